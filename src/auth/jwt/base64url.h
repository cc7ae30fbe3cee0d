#pragma once
// Base64url without padding (RFC 4648 §5), as JWS and JWK use it.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::auth {

// Strict decoding: only the 64 base64url characters, no padding or whitespace, and the unused
// low bits of the last character must be zero, so every byte string has exactly one encoding
// (a token cannot be altered without changing its bytes). InvalidArgument naming `what` when
// the text is malformed or would decode to more than `max_bytes`; the text itself is never
// quoted (it may be a credential).
Result<std::string> DecodeBase64Url(std::string_view text, size_t max_bytes, std::string_view what);

std::string EncodeBase64Url(std::string_view bytes);

// True when every character is in the base64url alphabet (an empty text is).
bool IsBase64UrlText(std::string_view text);

}  // namespace bastion::auth
