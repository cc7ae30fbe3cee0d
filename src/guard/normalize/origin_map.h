#pragma once
// Where each byte of a piece of text came from in the original input: consecutive offsets
// from `base` (the input itself), or one offset per byte in `table` (decoded text, whose
// bytes point back into the encoded run they were decoded from).

#include <cstddef>
#include <cstdint>

namespace bastion::guard {

struct OriginMap {
  const uint32_t* table = nullptr;  // REQUIRES: one entry per byte of the text, if set
  uint32_t base = 0;

  uint32_t operator()(size_t i) const {
    return table != nullptr ? table[i] : base + static_cast<uint32_t>(i);
  }
};

}  // namespace bastion::guard
