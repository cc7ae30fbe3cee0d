#pragma once
// Classifies 64 bytes of folded text at once into bit masks (bit i = byte i), so the word
// pass can skip stretches of plain prose instead of branching at every word boundary.
// ClassifyWindow uses SSE2 where the target has it; ClassifyWindowScalar is the reference
// a test compares it with.

#include <cstdint>

namespace bastion::guard {

inline constexpr unsigned kWindowBytes = 64;

struct ByteMasks {
  uint64_t letter = 0;  // a-z
  uint64_t mark = 0;    // 0-9 '@' '$' and bytes >= 0x80: word bytes that may make a word leet
  uint64_t inner = 0;   // '|' '!': word bytes only between other word bytes
  uint64_t space = 0;   // ' '

  bool operator==(const ByteMasks&) const = default;
};

// REQUIRES: p points to kWindowBytes readable bytes.
ByteMasks ClassifyWindow(const char* p);
ByteMasks ClassifyWindowScalar(const char* p);

}  // namespace bastion::guard
