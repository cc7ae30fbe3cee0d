#pragma once
// Lenient base64 for looking inside candidate secrets (JWT parts, Basic credentials): both
// alphabets ("+/" and "-_"), padding optional. Not for anything that must be exact.

#include <optional>
#include <string>
#include <string_view>

namespace bastion::guard {

// The decoded bytes; nothing when a byte is outside both alphabets (decoding stops at '=').
std::optional<std::string> DecodeBase64Lenient(std::string_view text);

}  // namespace bastion::guard
