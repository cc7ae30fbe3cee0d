#include "guard/normalize/normalizer.h"

namespace bastion::guard {

void Normalize(std::string_view input, NormalizedText& out) {
  out.text.resize(input.size());
  out.origin.resize(input.size());
  for (size_t i = 0; i < input.size(); ++i) {
    char c = input[i];
    out.text[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    out.origin[i] = static_cast<uint32_t>(i);
  }
  out.changed = false;
}

}  // namespace bastion::guard
