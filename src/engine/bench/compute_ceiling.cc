#include "engine/bench/compute_ceiling.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "engine/kernels/matvec_fast.h"
#include "engine/kernels/q8_0_packed.h"

namespace bastion::engine {
namespace {

constexpr int kChains = 12;  // independent accumulators: enough to hide every latency
constexpr uint64_t kRounds = 4'000'000;

// Multiply-adds done: kRounds x kChains instructions of 64 each.
__attribute__((target("avx512f,avx512vnni"))) uint64_t RunVnni() {
  __m512i acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_epi32(i);
  const __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-5);
  for (uint64_t n = 0; n < kRounds; ++n) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) {
      acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
      __asm__ volatile("" : "+v"(acc[i]));  // keep every instruction
    }
  }
  return kRounds * kChains * 64;
}

// vpmaddubsw then vpmaddwd, as the AVX2 Q8_0 kernel pairs them: 32 multiply-adds per pair.
__attribute__((target("avx2"))) uint64_t RunAvx2() {
  __m256i acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_epi32(i);
  const __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-5), ones = _mm256_set1_epi16(1);
  for (uint64_t n = 0; n < kRounds; ++n) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) {
      acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
      __asm__ volatile("" : "+x"(acc[i]));
    }
  }
  return kRounds * kChains * 32;
}

}  // namespace

double MeasureInt8Gmacs(size_t threads, int passes) {
  if (!HaveAvx2()) return 0;
  const bool vnni = HaveVnni();
  threads = std::max<size_t>(threads, 1);
  double best = 0;
  for (int pass = 0; pass < passes; ++pass) {
    std::vector<uint64_t> macs(threads);
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] { macs[t] = vnni ? RunVnni() : RunAvx2(); });
    }
    for (auto& th : pool) th.join();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    uint64_t total = 0;
    for (uint64_t m : macs) total += m;
    best = std::max(best, static_cast<double>(total) / seconds / 1e9);
  }
  return best;
}

}  // namespace bastion::engine
