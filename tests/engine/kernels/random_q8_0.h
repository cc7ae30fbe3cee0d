#pragma once
// Random Q8_0 matrices for the kernel tests: F16 scales in [0.001, 0.1), values in [-127, 127].

#include <cstdint>
#include <random>
#include <vector>

#include "engine/kernels/half.h"

namespace bastion::engine {

inline std::vector<uint8_t> RandomQ8_0(size_t rows, size_t cols, std::mt19937& rng) {
  std::uniform_int_distribution<int> q(-127, 127);
  std::uniform_real_distribution<float> scale(0.001f, 0.1f);
  std::vector<uint8_t> bytes;
  for (size_t b = 0; b < rows * cols / 32; ++b) {
    uint16_t d = FloatToF16(scale(rng));
    bytes.push_back(static_cast<uint8_t>(d & 0xFF));
    bytes.push_back(static_cast<uint8_t>(d >> 8));
    for (int i = 0; i < 32; ++i) bytes.push_back(static_cast<uint8_t>(static_cast<int8_t>(q(rng))));
  }
  return bytes;
}

}  // namespace bastion::engine
