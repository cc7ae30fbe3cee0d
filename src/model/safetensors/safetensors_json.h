#pragma once
// Internal to the safetensors readers: the JSON checks simdjson leaves to its callers. simdjson
// accepts duplicate keys (lookups see the first, other parsers the last), so every object is
// checked for them; numbers are accepted only as the integers asked for. Messages name `where`
// ("the header", "tensor 'x'") and carry no prefix; the callers add the file.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::model::safetensors_json {

// Deeper than any valid header (object, tensor object, shape array) or index needs.
inline constexpr size_t kMaxDepth = 8;

// Parses `text` as one JSON object nested at most kMaxDepth deep. The object lives in `parser`
// and is valid until its next parse. `what` names the text in errors ("the header").
Result<simdjson::dom::object> ParseObject(simdjson::dom::parser& parser, std::string_view text,
                                          const std::string& what);

// Refuses an object in which a key appears twice, naming the key and `where`.
Status CheckUniqueKeys(simdjson::dom::object object, const std::string& where);

// "a string", "an array", "a negative integer", "a number with a fraction or exponent", ...
std::string Describe(simdjson::dom::element value);

// The value as an object, a string, or an integer from 0 to 2^64-1; otherwise an error
// "<where> is <Describe(value)>, expected <...>".
Result<simdjson::dom::object> GetObject(simdjson::dom::element value, const std::string& where);
Result<std::string_view> GetString(simdjson::dom::element value, const std::string& where);
Result<uint64_t> GetUnsigned(simdjson::dom::element value, const std::string& where);
Result<simdjson::dom::array> GetArray(simdjson::dom::element value, const std::string& where);

}  // namespace bastion::model::safetensors_json
