#pragma once
// Shannon entropy of a byte string, the measure the secrets detector uses to tell random
// credentials ("x9Qm2LkP...") from words, identifiers and placeholders ("changeme").

#include <string_view>

namespace bastion::guard {

// Bits per byte of `text`'s byte distribution: 0 for "" and "aaaa", log2(n) when all n bytes
// differ, at most 8.
double ShannonEntropy(std::string_view text);

}  // namespace bastion::guard
