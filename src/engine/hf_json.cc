#include "engine/hf_json.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/json_locate.h"
#include "common/json_writer.h"

namespace bastion::engine {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

struct DuplicateKey {
  std::string path;  // of the object holding it: "model.vocab", "added_tokens[2]", "" (root)
  std::string_view key;
};

// The first key that appears twice in an object of `e`, depth first. The recursion is bounded
// by the parser's depth limit.
std::optional<DuplicateKey> FindDuplicateKey(element e) {
  if (e.type() == element_type::ARRAY) {
    size_t i = 0;
    for (element item : simdjson::dom::array(e)) {
      if (auto dup = FindDuplicateKey(item)) {
        dup->path.insert(0, "[" + std::to_string(i) + "]" +
                                (dup->path.empty() || dup->path[0] == '[' ? "" : "."));
        return dup;
      }
      ++i;
    }
    return std::nullopt;
  }
  if (e.type() != element_type::OBJECT) return std::nullopt;
  simdjson::dom::object object(e);
  std::vector<std::string_view> keys;
  keys.reserve(object.size());
  for (auto [key, value] : object) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  if (auto dup = std::adjacent_find(keys.begin(), keys.end()); dup != keys.end()) {
    return DuplicateKey{"", *dup};
  }
  for (auto [key, value] : object) {
    if (auto dup = FindDuplicateKey(value)) {
      dup->path.insert(0, std::string(key) + (dup->path.empty() || dup->path[0] == '[' ? "" : "."));
      return dup;
    }
  }
  return std::nullopt;
}

// `where` and a field path joined for messages: "config.json: 'rope_scaling.factor'".
std::string FieldName(std::string_view where, std::string_view path) {
  return std::string(where) + ": '" + std::string(path) + "'";
}

bool IsNumber(element e) {
  auto t = e.type();
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

}  // namespace

std::string Quoted(std::string_view text, size_t limit) {
  std::string out;
  AppendJsonString(out, text.substr(0, limit));
  if (text.size() > limit) out.insert(out.size() - 1, "...");
  return out;
}

std::string HfFilePath(std::string_view origin, std::string_view file) {
  while (origin.size() > 1 && origin.back() == '/') origin.remove_suffix(1);
  if (origin.empty()) return std::string(file);
  return std::string(origin) + (origin.back() == '/' ? "" : "/") + std::string(file);
}

Result<HfJson> HfJson::Parse(std::string_view text, std::string where, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return Status::InvalidArgument(where + " is " + std::to_string(text.size()) +
                                   " bytes, more than the " + std::to_string(max_bytes) +
                                   " bytes it may have");
  }
  HfJson json;
  json.where_ = std::move(where);
  json.parser_ = std::make_unique<simdjson::dom::parser>();
  if (json.parser_->allocate(std::max<size_t>(text.size(), 64), kMaxDepth) != simdjson::SUCCESS) {
    return Status::ResourceExhausted(json.where_ + ": no memory to parse it");
  }
  if (auto error = json.parser_->parse(text.data(), text.size()).get(json.root_); error) {
    // The locator explains syntax errors; what it accepts, simdjson refused for a reason of
    // its own (a number beyond 64 bits, invalid UTF-8).
    JsonErrorLocation at = LocateJsonError(text, kMaxDepth);
    return Status::InvalidArgument(json.where_ + " is not valid JSON (" +
                                   (at.valid ? simdjson::error_message(error) : at.Describe()) +
                                   ")");
  }
  if (auto dup = FindDuplicateKey(json.root_)) {
    return Status::InvalidArgument(
        json.where_ + ": key " + Quoted(dup->key) + " appears twice " +
        (dup->path.empty() ? "at the top level" : "in '" + dup->path + "'") +
        " (readers disagree on which one counts)");
  }
  return json;
}

JsonFields::JsonFields(element object, std::string where, std::string path)
    : where_(std::move(where)), path_(std::move(path)) {
  if (object.type() == element_type::OBJECT) {
    object_ = simdjson::dom::object(object);
  } else if (path_.empty() || object.type() != element_type::NULL_VALUE) {
    status_ =
        Status::InvalidArgument(path_.empty() ? where_ + " must hold a JSON object"
                                              : FieldName(where_, path_) + " must be an object");
  }
}

std::string JsonFields::Path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string JsonFields::Name(std::string_view key) const { return FieldName(where_, Path(key)); }

void JsonFields::Fail(std::string_view key, std::string_view what) {
  if (status_.ok()) status_ = Status::InvalidArgument(Name(key) + " " + std::string(what));
}

std::optional<element> JsonFields::Value(std::string_view key) {
  element v;
  if (!status_.ok() || !object_ || (*object_)[key].get(v) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  if (v.type() == element_type::NULL_VALUE) return std::nullopt;
  return v;
}

bool JsonFields::Has(std::string_view key) { return Value(key).has_value(); }

std::optional<std::string_view> JsonFields::String(std::string_view key) {
  auto v = Value(key);
  if (!v) return std::nullopt;
  std::string_view s;
  if (v->get_string().get(s) != simdjson::SUCCESS) {
    Fail(key, "must be a string");
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> JsonFields::Int(std::string_view key, int64_t min, int64_t max) {
  auto v = Value(key);
  if (!v) return std::nullopt;
  int64_t i = 0;
  if (v->get_int64().get(i) != simdjson::SUCCESS || i < min || i > max) {
    Fail(key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return i;
}

std::optional<double> JsonFields::Number(std::string_view key, double min, double max) {
  auto v = Value(key);
  if (!v) return std::nullopt;
  double d = 0;
  if (!IsNumber(*v) || v->get_double().get(d) != simdjson::SUCCESS || !std::isfinite(d) ||
      d < min || d > max) {
    Fail(key, "must be a number from " + JsonWriter().Double(min).str() + " to " +
                  JsonWriter().Double(max).str());
    return std::nullopt;
  }
  return d;
}

std::optional<bool> JsonFields::Bool(std::string_view key) {
  auto v = Value(key);
  if (!v) return std::nullopt;
  bool b = false;
  if (v->get_bool().get(b) != simdjson::SUCCESS) {
    Fail(key, "must be true or false");
    return std::nullopt;
  }
  return b;
}

std::optional<simdjson::dom::array> JsonFields::Array(std::string_view key) {
  auto v = Value(key);
  if (!v) return std::nullopt;
  simdjson::dom::array a;
  if (v->get_array().get(a) != simdjson::SUCCESS) {
    Fail(key, "must be an array");
    return std::nullopt;
  }
  return a;
}

JsonFields JsonFields::Object(std::string_view key) {
  JsonFields child(where_, Path(key));
  auto v = Value(key);
  if (!status_.ok()) {
    child.status_ = status_;
  } else if (v) {
    child = JsonFields(*v, where_, Path(key));
    if (!child.ok()) status_ = child.status_;
  }
  return child;
}

}  // namespace bastion::engine
