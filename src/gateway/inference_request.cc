#include "gateway/inference_request.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "common/json_locate.h"
#include "common/json_writer.h"

namespace bastion::gateway {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr size_t kMaxDepth = 64;
constexpr size_t kMaxModelName = 256;
constexpr size_t kMaxStop = 4;

simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser = [] {
    simdjson::dom::parser p;
    if (p.allocate(64 << 10, kMaxDepth) != simdjson::SUCCESS) std::abort();
    return p;
  }();
  return parser;
}

// Duplicate keys would let bastion and the upstream read different values from one body
// (simdjson keeps the first, most Python servers the last): a model or content switch that
// checks here would never see. Refused outright.
std::optional<ApiError> CheckNoDuplicateKeys(element e, const std::string& where) {
  simdjson::dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
  // Requests have few keys per object: a reused buffer spares an allocation per object.
  thread_local std::vector<std::string_view> keys;
  keys.clear();
  for (auto [key, value] : obj) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  auto dup = std::adjacent_find(keys.begin(), keys.end());
  if (dup == keys.end()) return std::nullopt;
  std::string param = where.empty() ? std::string(*dup) : where + "." + std::string(*dup);
  return ApiError::BadRequest("duplicate_key", "'" + param + "' appears more than once", param);
}

ApiError Invalid(const std::string& param, const std::string& what) {
  return ApiError::BadRequest("invalid_value", "'" + param + "' " + what, param);
}

bool IsNull(element e) { return e.type() == element_type::NULL_VALUE; }
bool IsNumber(element e) {
  auto t = e.type();
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

std::optional<ApiError> CheckNumber(element obj, const char* key, double min, double max) {
  element v;
  if (obj[key].get(v) != simdjson::SUCCESS || IsNull(v)) return std::nullopt;
  if (!IsNumber(v)) return Invalid(key, "must be a number");
  double d = 0;
  if (v.get_double().get(d) != simdjson::SUCCESS || !std::isfinite(d) || d < min || d > max) {
    return Invalid(key, "must be between " + JsonWriter().Double(min).str() + " and " +
                            JsonWriter().Double(max).str());
  }
  return std::nullopt;
}

std::optional<ApiError> CheckInteger(element obj, const char* key, int64_t min, int64_t max,
                                     std::optional<int64_t>* out = nullptr) {
  element v;
  if (obj[key].get(v) != simdjson::SUCCESS || IsNull(v)) return std::nullopt;
  int64_t i = 0;
  if (v.get_int64().get(i) != simdjson::SUCCESS) {
    uint64_t u = 0;
    if (v.get_uint64().get(u) == simdjson::SUCCESS) return Invalid(key, "is too large");
    return Invalid(key, "must be an integer");
  }
  if (i < min || i > max) {
    return Invalid(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  if (out) *out = i;
  return std::nullopt;
}

std::optional<ApiError> CheckStream(element obj, InferenceRequest& out) {
  element v;
  if (obj["stream"].get(v) == simdjson::SUCCESS && !IsNull(v)) {
    if (v.get_bool().get(out.stream) != simdjson::SUCCESS)
      return Invalid("stream", "must be a boolean");
  }
  if (obj["stream_options"].get(v) != simdjson::SUCCESS || IsNull(v)) return std::nullopt;
  if (!v.is_object()) return Invalid("stream_options", "must be an object");
  if (!out.stream) {
    return Invalid("stream_options", "is only allowed when 'stream' is true");
  }
  element usage;
  if (v["include_usage"].get(usage) == simdjson::SUCCESS && !IsNull(usage)) {
    if (usage.get_bool().get(out.include_usage) != simdjson::SUCCESS) {
      return Invalid("stream_options.include_usage", "must be a boolean");
    }
  }
  return std::nullopt;
}

std::optional<ApiError> CheckStop(element obj) {
  element v;
  if (obj["stop"].get(v) != simdjson::SUCCESS || IsNull(v) || v.is_string()) return std::nullopt;
  simdjson::dom::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS) {
    return Invalid("stop", "must be a string, an array of strings, or null");
  }
  if (arr.size() > kMaxStop) return Invalid("stop", "may hold at most 4 sequences");
  for (element s : arr) {
    if (!s.is_string()) return Invalid("stop", "must hold only strings");
  }
  return std::nullopt;
}

std::optional<ApiError> CheckSampling(element obj, InferenceRequest& out) {
  std::optional<int64_t> max_tokens, max_completion_tokens;
  if (auto e = CheckInteger(obj, "max_tokens", 1, INT32_MAX, &max_tokens)) return e;
  if (auto e = CheckInteger(obj, "max_completion_tokens", 1, INT32_MAX, &max_completion_tokens)) {
    return e;
  }
  out.max_tokens = max_completion_tokens ? max_completion_tokens : max_tokens;
  if (auto e = CheckNumber(obj, "temperature", 0, 2)) return e;
  if (auto e = CheckNumber(obj, "top_p", 0, 1)) return e;
  if (auto e = CheckNumber(obj, "presence_penalty", -2, 2)) return e;
  if (auto e = CheckNumber(obj, "frequency_penalty", -2, 2)) return e;
  if (auto e = CheckInteger(obj, "n", 1, 128)) return e;
  if (auto e = CheckInteger(obj, "seed", INT64_MIN, INT64_MAX)) return e;
  return CheckStop(obj);
}

std::optional<ApiError> CheckMessage(element m, size_t i) {
  std::string at = "messages[" + std::to_string(i) + "]";
  if (!m.is_object()) return Invalid(at, "must be an object");
  if (auto e = CheckNoDuplicateKeys(m, at)) return e;
  std::string_view role;
  if (m["role"].get_string().get(role) != simdjson::SUCCESS) {
    return Invalid(at + ".role", "is required and must be a string");
  }
  static constexpr std::string_view kRoles[] = {"system",    "developer", "user",
                                                "assistant", "tool",      "function"};
  bool known = false;
  for (auto r : kRoles) known = known || r == role;
  if (!known) {
    return Invalid(at + ".role",
                   "must be one of system, developer, user, assistant, tool, function");
  }
  element content;
  if (m["content"].get(content) != simdjson::SUCCESS || IsNull(content)) {
    if (role == "assistant") return std::nullopt;  // tool calls only
    return Invalid(at + ".content", "is required");
  }
  if (content.is_string()) return std::nullopt;
  simdjson::dom::array parts;
  if (content.get_array().get(parts) != simdjson::SUCCESS) {
    return Invalid(at + ".content", "must be a string or an array of content parts");
  }
  size_t k = 0;
  for (element part : parts) {
    std::string_view type;
    if (!part.is_object() || part["type"].get_string().get(type) != simdjson::SUCCESS) {
      return Invalid(at + ".content[" + std::to_string(k) + "]",
                     "must be an object with a string 'type'");
    }
    ++k;
  }
  return std::nullopt;
}

std::optional<ApiError> CheckMessages(element obj, InferenceRequest& out) {
  element v;
  if (obj["messages"].get(v) != simdjson::SUCCESS) {
    return ApiError::BadRequest("missing_required_parameter", "'messages' is required", "messages");
  }
  simdjson::dom::array messages;
  if (v.get_array().get(messages) != simdjson::SUCCESS) {
    return Invalid("messages", "must be an array");
  }
  if (messages.size() == 0) return Invalid("messages", "must not be empty");
  size_t i = 0;
  for (element m : messages) {
    if (auto e = CheckMessage(m, i)) return e;
    ++i;
  }
  out.message_count = i;
  return std::nullopt;
}

bool IsTokenArray(simdjson::dom::array arr) {
  for (element t : arr) {
    if (t.type() != element_type::INT64 && t.type() != element_type::UINT64) return false;
  }
  return true;
}

std::optional<ApiError> CheckPrompt(element obj) {
  element v;
  if (obj["prompt"].get(v) != simdjson::SUCCESS || IsNull(v)) {
    return ApiError::BadRequest("missing_required_parameter", "'prompt' is required", "prompt");
  }
  if (v.is_string()) return std::nullopt;
  simdjson::dom::array arr;
  const char* what = "must be a string, an array of strings, or an array of token arrays";
  if (v.get_array().get(arr) != simdjson::SUCCESS) return Invalid("prompt", what);
  if (IsTokenArray(arr)) return std::nullopt;
  for (element item : arr) {
    simdjson::dom::array tokens;
    if (item.is_string()) continue;
    if (item.get_array().get(tokens) != simdjson::SUCCESS || !IsTokenArray(tokens)) {
      return Invalid("prompt", what);
    }
  }
  return std::nullopt;
}

ApiError JsonParseError(std::string_view body, simdjson::error_code code) {
  JsonErrorLocation loc = LocateJsonError(body, kMaxDepth);
  std::string where = loc.valid ? std::string(simdjson::error_message(code)) : loc.Describe();
  return ApiError::BadRequest("invalid_json", "request body is not valid JSON (" + where + ")");
}

}  // namespace

std::optional<ApiError> ParseInferenceRequest(InferenceKind kind, std::string_view body,
                                              InferenceRequest& out) {
  out = InferenceRequest();
  out.kind = kind;
  element root;
  if (auto code = ThreadParser().parse(body.data(), body.size()).get(root)) {
    return JsonParseError(body, code);
  }
  if (!root.is_object()) {
    return ApiError::BadRequest("invalid_json", "request body must be a JSON object");
  }
  if (auto e = CheckNoDuplicateKeys(root, "")) return e;
  std::string_view model;
  element model_value;
  if (root["model"].get(model_value) != simdjson::SUCCESS) {
    return ApiError::BadRequest("missing_required_parameter", "'model' is required", "model");
  }
  if (model_value.get_string().get(model) != simdjson::SUCCESS || model.empty() ||
      model.size() > kMaxModelName) {
    return Invalid("model", "must be a non-empty string of at most 256 bytes");
  }
  out.model = std::string(model);
  if (auto e = kind == InferenceKind::kChat ? CheckMessages(root, out) : CheckPrompt(root)) {
    return e;
  }
  if (auto e = CheckStream(root, out)) return e;
  return CheckSampling(root, out);
}

std::string SetMember(std::string_view body, std::string_view name, std::string_view json_value) {
  element root;
  if (ThreadParser().parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
    return std::string(body);
  }
  JsonWriter w;
  w.BeginObject();
  bool replaced = false;
  for (auto [key, value] : simdjson::dom::object(root)) {
    w.Key(key);
    if (key == name) {
      w.Raw(json_value);
      replaced = true;
    } else {
      w.Raw(simdjson::minify(value));
    }
  }
  if (!replaced) w.Key(name).Raw(json_value);
  w.EndObject();
  return w.Take();
}

std::string ReplaceModel(std::string_view body, std::string_view model) {
  JsonWriter quoted;
  quoted.String(model);
  return SetMember(body, "model", quoted.Take());
}

}  // namespace bastion::gateway
