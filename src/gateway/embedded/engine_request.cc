#include "gateway/embedded/engine_request.h"

#include <simdjson.h>

#include <cstdlib>

namespace bastion::gateway {
namespace {

using simdjson::dom::element;

ApiError Unsupported(const std::string& param, const std::string& what) {
  return ApiError::BadRequest("unsupported_parameter", what, param);
}

ApiError Invalid(const std::string& param, const std::string& what) {
  return ApiError::BadRequest("invalid_value", "'" + param + "' " + what, param);
}

// The member, or nothing when absent or null.
std::optional<element> Member(element obj, const char* key) {
  element v;
  if (obj[key].get(v) != simdjson::SUCCESS || v.is_null()) return std::nullopt;
  return v;
}

std::optional<ApiError> ReadFloat(element obj, const char* key, double min, double max,
                                  std::optional<float>& out) {
  auto v = Member(obj, key);
  if (!v) return std::nullopt;
  double d = 0;
  if (v->get_double().get(d) != simdjson::SUCCESS || d < min || d > max) {
    return Invalid(
        key, "must be a number between " + std::to_string(min) + " and " + std::to_string(max));
  }
  out = static_cast<float>(d);
  return std::nullopt;
}

std::optional<ApiError> ReadContent(element content, const std::string& at, std::string& out) {
  std::string_view text;
  if (content.get_string().get(text) == simdjson::SUCCESS) {
    out = std::string(text);
    return std::nullopt;
  }
  size_t k = 0;
  for (element part : simdjson::dom::array(content)) {  // checked to be an array already
    std::string_view type, part_text;
    std::string where = at + "[" + std::to_string(k++) + "]";
    if (part["type"].get_string().get(type) != simdjson::SUCCESS || type != "text") {
      return Unsupported(where, "the embedded engine reads text content parts only");
    }
    if (part["text"].get_string().get(part_text) != simdjson::SUCCESS) {
      return Invalid(where + ".text", "must be a string");
    }
    out += part_text;
  }
  return std::nullopt;
}

std::optional<ApiError> ReadMessages(element root, EngineRequest& out) {
  size_t i = 0;
  for (element m : simdjson::dom::array(root["messages"])) {
    const std::string at = "messages[" + std::to_string(i++) + "]";
    engine::ChatMessage message;
    std::string_view role;
    if (m["role"].get_string().get(role) != simdjson::SUCCESS)
      return Invalid(at + ".role", "must be a string");
    message.role = std::string(role == "function" ? "tool" : role);
    if (auto content = Member(m, "content")) {
      if (auto e = ReadContent(*content, at + ".content", message.content)) return e;
    }
    out.messages.push_back(std::move(message));
  }
  return std::nullopt;
}

std::optional<ApiError> ReadPrompt(element root, EngineRequest& out) {
  element prompt = root["prompt"];
  std::string_view text;
  if (prompt.get_string().get(text) == simdjson::SUCCESS) {
    out.prompt = std::string(text);
    return std::nullopt;
  }
  simdjson::dom::array items = prompt;
  if (items.size() == 0) return Invalid("prompt", "must not be empty");
  element first = items.at(0);
  if (first.is_int64() || first.is_uint64()) {
    for (element t : items) {
      int64_t id = -1;
      if (t.get_int64().get(id) != simdjson::SUCCESS) id = -1;
      out.prompt_tokens.push_back(id);
    }
    return std::nullopt;
  }
  if (items.size() > 1) {
    return Unsupported("prompt", "the embedded engine takes one prompt per request");
  }
  if (first.get_string().get(text) == simdjson::SUCCESS) {
    out.prompt = std::string(text);
    return std::nullopt;
  }
  for (element t : simdjson::dom::array(first)) {
    int64_t id = -1;
    if (t.get_int64().get(id) != simdjson::SUCCESS) id = -1;
    out.prompt_tokens.push_back(id);
  }
  return std::nullopt;
}

std::optional<ApiError> ReadLogprobs(InferenceKind kind, element root, EngineRequest& out) {
  auto logprobs = Member(root, "logprobs");
  auto top = Member(root, "top_logprobs");
  int64_t n = 0;
  if (kind == InferenceKind::kCompletion) {  // completions: logprobs is how many alternatives
    if (!logprobs) return std::nullopt;
    if (logprobs->get_int64().get(n) != simdjson::SUCCESS || n < 0 || n > 5) {
      return Invalid("logprobs", "must be an integer between 0 and 5");
    }
    out.logprobs = true;
    out.top_logprobs = static_cast<int>(n);
    return std::nullopt;
  }
  if (logprobs && logprobs->get_bool().get(out.logprobs) != simdjson::SUCCESS) {
    return Invalid("logprobs", "must be a boolean");
  }
  if (!top) return std::nullopt;
  if (top->get_int64().get(n) != simdjson::SUCCESS || n < 0 || n > 20) {
    return Invalid("top_logprobs", "must be an integer between 0 and 20");
  }
  if (!out.logprobs) return Invalid("top_logprobs", "needs 'logprobs' set to true");
  out.top_logprobs = static_cast<int>(n);
  return std::nullopt;
}

std::optional<ApiError> ReadUnsupported(element root) {
  int64_t n = 1;
  if (auto v = Member(root, "n"); v && v->get_int64().get(n) == simdjson::SUCCESS && n != 1) {
    return Unsupported("n", "the embedded engine returns one choice per request ('n' must be 1)");
  }
  if (auto tools = Member(root, "tools")) {
    simdjson::dom::array arr;
    if (tools->get_array().get(arr) != simdjson::SUCCESS || arr.size() > 0) {
      return Unsupported("tools", "the embedded engine does not call tools");
    }
  }
  if (auto format = Member(root, "response_format")) {
    std::string_view type;
    if ((*format)["type"].get_string().get(type) != simdjson::SUCCESS || type != "text") {
      return Unsupported("response_format",
                         "the embedded engine produces free text only (response_format 'text')");
    }
  }
  return std::nullopt;
}

std::optional<ApiError> ReadSampling(element root, EngineRequest& out) {
  if (auto e = ReadFloat(root, "temperature", 0, 2, out.temperature)) return e;
  if (auto e = ReadFloat(root, "top_p", 0, 1, out.top_p)) return e;
  if (auto e = ReadFloat(root, "min_p", 0, 1, out.min_p)) return e;
  if (auto e = ReadFloat(root, "repetition_penalty", 0.01, 10, out.repetition_penalty)) return e;
  std::optional<float> frequency, presence;
  if (auto e = ReadFloat(root, "frequency_penalty", -2, 2, frequency)) return e;
  if (auto e = ReadFloat(root, "presence_penalty", -2, 2, presence)) return e;
  out.frequency_penalty = frequency.value_or(0);
  out.presence_penalty = presence.value_or(0);
  if (auto v = Member(root, "top_k")) {
    int64_t k = 0;
    if (v->get_int64().get(k) != simdjson::SUCCESS || k < -1 || k > 1'000'000) {
      return Invalid("top_k", "must be an integer; -1 or 0 turns it off");
    }
    out.top_k = static_cast<int>(std::max<int64_t>(k, 0));
  }
  if (auto v = Member(root, "seed")) {
    int64_t seed = 0;
    if (v->get_int64().get(seed) == simdjson::SUCCESS) out.seed = static_cast<uint64_t>(seed);
  }
  if (auto v = Member(root, "stop")) {
    std::string_view s;
    if (v->get_string().get(s) == simdjson::SUCCESS) {
      if (!s.empty()) out.stop.emplace_back(s);
    } else {
      for (element item : simdjson::dom::array(*v)) {
        if (item.get_string().get(s) == simdjson::SUCCESS && !s.empty()) out.stop.emplace_back(s);
      }
    }
  }
  return std::nullopt;
}

}  // namespace

engine::SamplingParams EngineRequest::Sampling(const engine::SamplingParams& defaults) const {
  engine::SamplingParams p = defaults;
  if (temperature) p.temperature = *temperature;
  if (top_p) p.top_p = *top_p;
  if (min_p) p.min_p = *min_p;
  if (top_k) p.top_k = *top_k;
  if (repetition_penalty) p.repetition_penalty = *repetition_penalty;
  p.frequency_penalty = frequency_penalty;
  p.presence_penalty = presence_penalty;
  if (seed) p.seed = *seed;
  p.top_logprobs = top_logprobs;
  return p;
}

std::optional<ApiError> ParseEngineRequest(InferenceKind kind, std::string_view body,
                                           EngineRequest& out) {
  out = EngineRequest();
  thread_local simdjson::dom::parser parser;  // reused: no allocation per request
  element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
    return ApiError::BadRequest("invalid_json", "request body is not valid JSON");
  }
  if (auto e = ReadUnsupported(root)) return e;
  if (auto e = kind == InferenceKind::kChat ? ReadMessages(root, out) : ReadPrompt(root, out)) {
    return e;
  }
  if (auto e = ReadLogprobs(kind, root, out)) return e;
  return ReadSampling(root, out);
}

}  // namespace bastion::gateway
