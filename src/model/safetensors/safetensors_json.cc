#include "model/safetensors/safetensors_json.h"

#include <algorithm>
#include <vector>

#include "common/json_locate.h"
#include "model/gguf/gguf_parser.h"  // QuoteForMessage

namespace bastion::model::safetensors_json {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

namespace {

Status Invalid(std::string msg) { return Status::InvalidArgument(std::move(msg)); }

Status WrongType(element value, const std::string& where, std::string_view want) {
  return Invalid(where + " is " + Describe(value) + ", expected " + std::string(want));
}

}  // namespace

Result<object> ParseObject(simdjson::dom::parser& parser, std::string_view text,
                           const std::string& what) {
  if (auto code = parser.allocate(text.size(), kMaxDepth)) {
    return Status::ResourceExhausted("cannot allocate a JSON parser for " + what + " (" +
                                     std::to_string(text.size()) +
                                     " bytes): " + simdjson::error_message(code));
  }
  element root;
  if (auto code = parser.parse(text.data(), text.size()).get(root)) {
    if (code == simdjson::DEPTH_ERROR) {
      return Invalid(what + " nests JSON deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    JsonErrorLocation loc = LocateJsonError(text, kMaxDepth);
    std::string detail = loc.valid ? std::string(simdjson::error_message(code)) : loc.Describe();
    return Invalid(what + " is not valid JSON (" + detail + ")");
  }
  return GetObject(root, what);
}

Status CheckUniqueKeys(object members, const std::string& where) {
  std::vector<std::string_view> keys;
  keys.reserve(members.size());
  for (auto field : members) keys.push_back(field.key);
  std::sort(keys.begin(), keys.end());
  auto dup = std::adjacent_find(keys.begin(), keys.end());
  if (dup == keys.end()) return Status::Ok();
  return Invalid(where + " has the key " + QuoteForMessage(*dup) +
                 " twice (JSON readers disagree on which one counts)");
}

std::string Describe(element value) {
  switch (value.type()) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
      return "the integer " + simdjson::minify(value);
    case element_type::DOUBLE:
      return "the number " + simdjson::minify(value) + " (with a fraction or exponent)";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "an unknown JSON value";
}

Result<object> GetObject(element value, const std::string& where) {
  object out;
  if (value.get_object().get(out) != simdjson::SUCCESS) return WrongType(value, where, "an object");
  return out;
}

Result<std::string_view> GetString(element value, const std::string& where) {
  std::string_view out;
  if (value.get_string().get(out) != simdjson::SUCCESS) return WrongType(value, where, "a string");
  return out;
}

Result<uint64_t> GetUnsigned(element value, const std::string& where) {
  // get_uint64 also takes non-negative INT64 values; it refuses negatives and doubles.
  uint64_t out = 0;
  if (value.get_uint64().get(out) != simdjson::SUCCESS) {
    return WrongType(value, where, "an integer from 0 to 2^64-1");
  }
  return out;
}

Result<array> GetArray(element value, const std::string& where) {
  array out;
  if (value.get_array().get(out) != simdjson::SUCCESS) return WrongType(value, where, "an array");
  return out;
}

}  // namespace bastion::model::safetensors_json
