#pragma once
// The encodings attacks hide requests in, and judges undo: base64 (encoding is common's
// Base64Encode), rot13, leetspeak.

#include <optional>
#include <string>
#include <string_view>

#include "common/base64.h"

namespace bastion::redteam {

// Standard or URL alphabet, padding optional, whitespace ignored. nullopt if `text` is not
// base64 or does not decode to valid UTF-8 text.
std::optional<std::string> Base64DecodeText(std::string_view text);
std::string Rot13(std::string_view text);
std::string LeetEncode(std::string_view text);  // a->4, e->3, i->1, o->0, s->5, t->7
std::string LeetDecode(std::string_view text);

// At most `max_bytes` of `text`, cut on a UTF-8 character boundary, "…" appended when cut:
// excerpts of model answers in reports.
std::string Utf8Prefix(std::string_view text, size_t max_bytes);

}  // namespace bastion::redteam
