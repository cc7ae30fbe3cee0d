#include "engine/kernels/matvec_fast.h"

#include <immintrin.h>

#include <cstring>
#include <vector>

namespace bastion::engine {

bool HaveAvx2() {
  static const bool have = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                           __builtin_cpu_supports("f16c");
  return have;
}

__attribute__((target("avx2,fma,f16c"))) float DotQ8_0Avx2(const uint8_t* row, const float* x,
                                                           size_t cols) {
  __m256 acc = _mm256_setzero_ps();
  for (size_t b = 0; b < cols / 32; ++b, row += 34, x += 32) {
    uint16_t scale;
    std::memcpy(&scale, row, 2);
    const auto* q = reinterpret_cast<const __m128i*>(row + 2);
    __m256 sum = _mm256_setzero_ps();
    for (int k = 0; k < 4; ++k) {  // 8 weights at a time: int8 -> int32 -> float, fused
      __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(
          reinterpret_cast<const int8_t*>(q) + 8 * k));
      __m256 w = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
      sum = _mm256_fmadd_ps(w, _mm256_loadu_ps(x + 8 * k), sum);
    }
    acc = _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(scale)), sum, acc);
  }
  __m128 half = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  half = _mm_add_ps(half, _mm_movehl_ps(half, half));
  half = _mm_add_ss(half, _mm_movehdup_ps(half));
  return _mm_cvtss_f32(half);
}

void MatVec(const WeightMatrix& w, const float* x, float* y, ThreadPool& pool) {
  if (w.type == model::GgmlType::kQ8_0 && HaveAvx2()) {
    const size_t row_bytes = w.cols / 32 * 34;
    pool.ParallelFor(w.rows, [&](size_t begin, size_t end) {
      for (size_t r = begin; r < end; ++r) y[r] = DotQ8_0Avx2(w.data.data() + r * row_bytes, x, w.cols);
    });
    return;
  }
  pool.ParallelFor(w.rows, [&](size_t begin, size_t end) {
    if (begin == end) return;
    WeightMatrix part = w;
    part.rows = end - begin;
    auto layout = model::GgmlLayout(w.type);
    size_t row_bytes = w.cols / layout.block_elements * layout.block_bytes;
    part.data = w.data.subspan(begin * row_bytes, part.rows * row_bytes);
    MatVecReference(part, x, y + begin);
  });
}

}  // namespace bastion::engine
