#pragma once
// Finding text that may be an encoded payload: runs of base64 or hex that an attacker uses to
// carry "ignore all previous instructions" past a filter. Finding is cheap and loose; whether
// a run really decodes to text is decided by DecodeRun (run_decoder.h).

#include <cstdint>
#include <string_view>
#include <vector>

namespace bastion::guard {

struct EncodedRun {
  enum class Kind : uint8_t {
    kBase64,       // standard or URL-safe alphabet, padded or not
    kHexOrBase64,  // only hex digits: hex first, base64 if that is not text
    kHex,          // hex digits after a "0x"
    kHexEscaped,   // "\x69\x67…"
    kHexPairs,     // "69 67 6e …", "69:67:6e:…", one separator throughout
  };
  uint32_t begin = 0;  // [begin, end) in the scanned bytes, the encoded characters only
  uint32_t end = 0;
  Kind kind = Kind::kBase64;
};

// Fewest base64 characters, or hex digits, worth decoding (16 → 12 or 8 bytes of text).
inline constexpr size_t kMinEncodedChars = 16;

// Replaces runs with the candidate runs in bytes, ordered by begin. REQUIRES: bytes.size() <
// 2^32. Reuses runs' storage.
void FindEncodedRuns(std::string_view bytes, std::vector<EncodedRun>& runs);

}  // namespace bastion::guard
