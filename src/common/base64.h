#pragma once
// Base64 (RFC 4648 §4) for text that is not security-critical: encoding prompts, and looking
// inside candidate secrets and model answers. JWTs use the strict base64url in auth/jwt.

#include <optional>
#include <string>
#include <string_view>

namespace bastion {

// The standard alphabet, with padding.
std::string Base64Encode(std::string_view bytes);

// Lenient: both alphabets ("+/" and "-_", even mixed), padding optional, decoding stops at the
// first '='. Nothing when another byte (whitespace included) comes first.
std::optional<std::string> Base64DecodeLenient(std::string_view text);

}  // namespace bastion
