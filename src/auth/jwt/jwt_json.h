#pragma once
// Internal to auth/jwt: the JSON checks simdjson leaves to its callers, for JOSE headers,
// claim sets and key sets. Objects with a repeated key are refused: simdjson's lookups see
// the first, other readers the last, and a token must mean the same thing to everyone.
// Messages name `what` and never quote the JSON (it may come from a credential).

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::auth::jwt_json {

// Deep enough for nested claims such as {"realm_access":{"roles":[...]}}.
inline constexpr size_t kMaxDepth = 16;

// Parses `text` as one JSON object without repeated keys at its top level. The object lives
// in `parser` until its next parse.
Result<simdjson::dom::object> ParseObject(simdjson::dom::parser& parser, std::string_view text,
                                          std::string_view what);

Status CheckUniqueKeys(simdjson::dom::object object, std::string_view what);

// The member `key` when present; nullopt when absent.
std::optional<simdjson::dom::element> Find(simdjson::dom::object object, std::string_view key);

// The member as a string copied out of the parser; nullopt when absent, an error naming
// `key` when present with another type.
Result<std::optional<std::string>> OptionalString(simdjson::dom::object object,
                                                  std::string_view key);

// A NumericDate (RFC 7519 §2): an integer, or a finite number whose fraction is dropped,
// within ±2^53 seconds. Nullopt when absent.
Result<std::optional<int64_t>> OptionalNumericDate(simdjson::dom::object object,
                                                   std::string_view key);

}  // namespace bastion::auth::jwt_json
