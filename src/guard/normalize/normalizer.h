#pragma once
// Placeholder until the real normaliser lands: ASCII lowercasing with identity origins.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::guard {

struct NormalizedText {
  std::string text;
  std::vector<uint32_t> origin;
  bool changed = false;
};

void Normalize(std::string_view input, NormalizedText& out);

}  // namespace bastion::guard
