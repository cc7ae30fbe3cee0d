// The guard normalizes every prompt before the jailbreak and injection rules see it, so any
// bytes a client sends reach it: invalid UTF-8, huge combining sequences, nested encodings.
// Checks the contract too: one origin per output byte, each inside the input, decoded output
// within its cap, and buffers reused across calls.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "guard/normalize/normalizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static bastion::guard::NormalizedText out;  // reused, as callers do
  bastion::guard::Normalize(input, out);
  if (out.text.size() != out.origin.size()) __builtin_trap();
  for (const uint32_t origin : out.origin) {
    if (origin >= size) __builtin_trap();
  }
  // Folded text, separators and decoded segments: each input code point folds to at most 33
  // bytes (U+FDFA), plus decoded output capped at twice the input and its folding.
  if (out.text.size() > 33 * size * 3 + 16) __builtin_trap();
  if (size == 0 && (!out.text.empty() || out.changed)) __builtin_trap();
  return 0;
}
