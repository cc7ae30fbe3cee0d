#include "guard/validators/entropy.h"

#include <array>
#include <cmath>

namespace bastion::guard {

double ShannonEntropy(std::string_view text) {
  if (text.empty()) return 0.0;
  std::array<unsigned, 256> counts{};
  for (char c : text) ++counts[static_cast<unsigned char>(c)];
  double n = static_cast<double>(text.size());
  double bits = 0.0;
  for (unsigned count : counts) {
    if (count == 0) continue;
    double p = count / n;
    bits -= p * std::log2(p);
  }
  return bits;
}

}  // namespace bastion::guard
