#include "engine/kernels/matvec_fast.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "engine/kernels/half.h"

namespace bastion::engine {

bool HaveAvx2() {
  static const bool have = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                           __builtin_cpu_supports("f16c");
  return have;
}

void QuantizeQ8(std::span<const float> x, QuantizedVector& out) {
  const size_t blocks = x.size() / 32;
  out.scales.resize(blocks);
  out.values.resize(blocks * 32);
  for (size_t b = 0; b < blocks; ++b) {
    const float* v = x.data() + b * 32;
    float amax = 0;
    for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(v[i]));
    float d = amax / 127.0f;
    float inv = d > 0 ? 1.0f / d : 0.0f;
    out.scales[b] = d;
    for (int i = 0; i < 32; ++i) {
      out.values[b * 32 + i] = static_cast<int8_t>(std::lround(v[i] * inv));
    }
  }
}

__attribute__((target("avx2,fma,f16c"))) float DotQ8_0Avx2(const uint8_t* row,
                                                           const QuantizedVector& x, size_t cols) {
  __m256 acc = _mm256_setzero_ps();
  const __m256i ones = _mm256_set1_epi16(1);
  for (size_t b = 0; b < cols / 32; ++b, row += 34) {
    uint16_t scale;
    std::memcpy(&scale, row, 2);
    __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 2));
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.values.data() + b * 32));
    // maddubs multiplies unsigned by signed bytes: move w's sign onto v.
    __m256i products = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(v, w));
    __m256 sums = _mm256_cvtepi32_ps(_mm256_madd_epi16(products, ones));
    acc = _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(scale) * x.scales[b]), sums, acc);
  }
  __m128 half = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  half = _mm_add_ps(half, _mm_movehl_ps(half, half));
  half = _mm_add_ss(half, _mm_movehdup_ps(half));
  return _mm_cvtss_f32(half);
}

// acc + scale * (w . v) for one 32-element block; abs_w = |w| (maddubs wants unsigned bytes,
// so w's signs move onto v).
__attribute__((target("avx2,fma,f16c"), always_inline)) inline __m256 Q8BlockStep(
    __m256i abs_w, __m256i w, const int8_t* v, float scale, __m256i ones, __m256 acc) {
  __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v));
  __m256i products = _mm256_maddubs_epi16(abs_w, _mm256_sign_epi8(vb, w));
  return _mm256_fmadd_ps(_mm256_set1_ps(scale),
                         _mm256_cvtepi32_ps(_mm256_madd_epi16(products, ones)), acc);
}

// Four vectors against one row: each weight block is loaded, and its signs taken, once for
// all four; the four independent accumulations keep the multiply-add units busy.
__attribute__((target("avx2,fma,f16c"))) void DotQ8_0x4Avx2(const uint8_t* row,
                                                            const QuantizedVector* const* x,
                                                            size_t cols, float* out) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  const __m256i ones = _mm256_set1_epi16(1);
  const int8_t *v0 = x[0]->values.data(), *v1 = x[1]->values.data(), *v2 = x[2]->values.data(),
               *v3 = x[3]->values.data();
  const float *s0 = x[0]->scales.data(), *s1 = x[1]->scales.data(), *s2 = x[2]->scales.data(),
              *s3 = x[3]->scales.data();
  for (size_t b = 0; b < cols / 32; ++b, row += 34) {
    uint16_t half_scale;
    std::memcpy(&half_scale, row, 2);
    const float dw = _cvtsh_ss(half_scale);
    const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 2));
    const __m256i abs_w = _mm256_sign_epi8(w, w);
    const size_t o = b * 32;
    acc0 = Q8BlockStep(abs_w, w, v0 + o, dw * s0[b], ones, acc0);
    acc1 = Q8BlockStep(abs_w, w, v1 + o, dw * s1[b], ones, acc1);
    acc2 = Q8BlockStep(abs_w, w, v2 + o, dw * s2[b], ones, acc2);
    acc3 = Q8BlockStep(abs_w, w, v3 + o, dw * s3[b], ones, acc3);
  }
  // Sums of the four accumulators at once: two rounds of hadd, then fold the halves.
  __m256 h01 = _mm256_hadd_ps(acc0, acc1), h23 = _mm256_hadd_ps(acc2, acc3);
  __m256 h = _mm256_hadd_ps(h01, h23);  // per 128-bit half: [a0 a1 a2 a3]
  __m128 sums = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  _mm_storeu_ps(out, sums);
}

__attribute__((target("avx2,fma,f16c"))) float DotHalfAvx2(const uint8_t* row, const float* x,
                                                           size_t cols, bool bf16) {
  __m256 acc = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= cols; i += 8) {
    __m128i halves = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * i));
    __m256 w = bf16 ? _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(halves), 16))
                    : _mm256_cvtph_ps(halves);
    acc = _mm256_fmadd_ps(w, _mm256_loadu_ps(x + i), acc);
  }
  __m128 half = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  half = _mm_add_ps(half, _mm_movehl_ps(half, half));
  half = _mm_add_ss(half, _mm_movehdup_ps(half));
  float sum = _mm_cvtss_f32(half);
  for (; i < cols; ++i) {  // the tail of a row that is not a multiple of 8
    uint16_t h;
    std::memcpy(&h, row + 2 * i, 2);
    sum += (bf16 ? Bf16ToFloat(h) : F16ToFloat(h)) * x[i];
  }
  return sum;
}

void MatVec(const WeightMatrix& w, const float* x, float* y, ThreadPool& pool, bool reference) {
  if (!reference && w.type == model::GgmlType::kQ8_0 && HaveAvx2()) {
    thread_local QuantizedVector xq;  // the caller's thread quantizes, workers read
    QuantizeQ8(std::span<const float>(x, w.cols), xq);
    const QuantizedVector& shared = xq;
    const size_t row_bytes = w.cols / 32 * 34;
    pool.ParallelFor(w.rows, [&](size_t begin, size_t end) {
      for (size_t r = begin; r < end; ++r) {
        y[r] = DotQ8_0Avx2(w.data.data() + r * row_bytes, shared, w.cols);
      }
    });
    return;
  }
  if (!reference && (w.type == model::GgmlType::kF16 || w.type == model::GgmlType::kBF16) &&
      HaveAvx2()) {
    const bool bf16 = w.type == model::GgmlType::kBF16;
    pool.ParallelFor(w.rows, [&](size_t begin, size_t end) {
      for (size_t r = begin; r < end; ++r) {
        y[r] = DotHalfAvx2(w.data.data() + r * w.cols * 2, x, w.cols, bf16);
      }
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

namespace bastion::engine {

void MatMul(const WeightMatrix& w, const float* x, float* y, size_t count, ThreadPool& pool,
            bool reference) {
  if (reference || w.type != model::GgmlType::kQ8_0 || !HaveAvx2() || count == 1) {
    for (size_t b = 0; b < count; ++b) MatVec(w, x + b * w.cols, y + b * w.rows, pool, reference);
    return;
  }
  thread_local std::vector<QuantizedVector> xq;
  if (xq.size() < count) xq.resize(count);
  for (size_t b = 0; b < count; ++b)
    QuantizeQ8(std::span<const float>(x + b * w.cols, w.cols), xq[b]);
  const std::vector<QuantizedVector>& shared = xq;
  const size_t row_bytes = w.cols / 32 * 34;
  pool.ParallelFor(w.rows, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) {
      const uint8_t* row = w.data.data() + r * row_bytes;
      size_t b = 0;
      for (; b + 4 <= count; b += 4) {
        const QuantizedVector* four[4] = {&shared[b], &shared[b + 1], &shared[b + 2],
                                          &shared[b + 3]};
        float out[4];
        DotQ8_0x4Avx2(row, four, w.cols, out);
        for (size_t i = 0; i < 4; ++i) y[(b + i) * w.rows + r] = out[i];
      }
      for (; b < count; ++b) y[b * w.rows + r] = DotQ8_0Avx2(row, shared[b], w.cols);
    }
  });
}

}  // namespace bastion::engine
