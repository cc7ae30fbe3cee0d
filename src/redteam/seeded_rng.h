#pragma once
// Internal to redteam: the randomness techniques draw variants and canaries from. Self-contained
// (FNV-1a and splitmix64) so that a seed gives the same probes on every platform and library
// version, which std::hash and the <random> distributions do not promise.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/hex.h"

namespace bastion::redteam {

// 64-bit FNV-1a.
constexpr uint64_t Fnv1a64(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// splitmix64: one 64-bit word of state, good enough mixing for picking variants.
class SeededRng {
 public:
  explicit SeededRng(uint64_t seed) : state_(seed) {}

  // A generator for one probe: the run's seed mixed with what the probe is about (the behaviour
  // id, the technique), so adding a behaviour or technique leaves the other probes unchanged.
  static SeededRng For(uint64_t seed, std::string_view subject, std::string_view technique) {
    SeededRng rng(seed ^ Fnv1a64(subject));
    rng.state_ = rng.Next() ^ Fnv1a64(technique);
    return rng;
  }

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform enough in [0, n) for n far below 2^64. REQUIRES: n > 0.
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

  // `digits` lower-case hex digits (at most 16).
  std::string Hex(size_t digits) {
    const uint64_t bits = Next();
    unsigned char bytes[8];
    for (size_t i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
    return HexEncode(bytes, sizeof bytes).substr(0, digits);
  }

 private:
  uint64_t state_;
};

}  // namespace bastion::redteam
