#include "auth/jwt/jwt_json.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace bastion::auth::jwt_json {

using simdjson::dom::element;
using simdjson::dom::object;

namespace {

constexpr int64_t kMaxNumericDate = int64_t{1} << 53;

Status WrongType(std::string_view key, std::string_view want) {
  return Status::InvalidArgument("\"" + std::string(key) + "\" is not " + std::string(want));
}

}  // namespace

Result<object> ParseObject(simdjson::dom::parser& parser, std::string_view text,
                           std::string_view what) {
  if (parser.allocate(std::max<size_t>(text.size(), 64), kMaxDepth) != simdjson::SUCCESS) {
    return Status::ResourceExhausted("cannot allocate a JSON parser for " + std::string(what));
  }
  element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string(what) + " is not valid JSON");
  }
  object out;
  if (root.get_object().get(out) != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string(what) + " is not a JSON object");
  }
  if (Status s = CheckUniqueKeys(out, what); !s.ok()) return s;
  return out;
}

Status CheckUniqueKeys(object object, std::string_view what) {
  std::vector<std::string_view> keys;
  keys.reserve(object.size());
  for (auto field : object) keys.push_back(field.key);
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) == keys.end()) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + " repeats a member name");
}

std::optional<element> Find(object object, std::string_view key) {
  element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

Result<std::optional<std::string>> OptionalString(object object, std::string_view key) {
  auto value = Find(object, key);
  if (!value) return std::optional<std::string>();
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) return WrongType(key, "a string");
  return std::optional<std::string>(std::string(text));
}

Result<std::optional<int64_t>> OptionalNumericDate(object object, std::string_view key) {
  auto value = Find(object, key);
  if (!value) return std::optional<int64_t>();
  int64_t whole = 0;
  if (value->get_int64().get(whole) != simdjson::SUCCESS) {
    double real = 0;
    if (value->get_double().get(real) != simdjson::SUCCESS || !std::isfinite(real) ||
        std::fabs(real) > static_cast<double>(kMaxNumericDate)) {
      return WrongType(key, "a date in seconds");
    }
    whole = static_cast<int64_t>(real);
  }
  if (whole > kMaxNumericDate || whole < -kMaxNumericDate) {
    return WrongType(key, "a date in seconds");
  }
  return std::optional<int64_t>(whole);
}

}  // namespace bastion::auth::jwt_json
