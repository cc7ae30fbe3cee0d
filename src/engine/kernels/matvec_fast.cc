#include "engine/kernels/matvec_fast.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "engine/kernels/half.h"
#include "engine/kernels/kquant_avx2.h"
#include "engine/kernels/q8_0_packed.h"

namespace bastion::engine {

bool HaveAvx2() {
  static const bool have = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                           __builtin_cpu_supports("f16c");
  return have;
}

namespace {

// Block b of x into out: scale amax / 127, values rounded to nearest (ties to even).
void QuantizeBlock(const float* v, QuantizedVector& out, size_t b) {
  float amax = 0;
  for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(v[i]));
  const float d = amax / 127.0f;
  const float inv = d > 0 ? 1.0f / d : 0.0f;
  int sum = 0;
  for (int i = 0; i < 32; ++i) {
    out.values[b * 32 + i] = static_cast<int8_t>(std::nearbyint(v[i] * inv));
    sum += out.values[b * 32 + i];
  }
  out.scales[b] = d;
  out.sums[b] = d * static_cast<float>(sum);
  out.offsets[b] = -128 * sum;
}

// The same eight floats at a time; the same results.
__attribute__((target("avx2,fma"))) void QuantizeBlockAvx2(const float* v, QuantizedVector& out,
                                                           size_t b) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 x[4], amax = _mm256_setzero_ps();
  for (int i = 0; i < 4; ++i) {
    x[i] = _mm256_loadu_ps(v + 8 * i);
    amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign, x[i]));
  }
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_movehdup_ps(m));
  const float d = _mm_cvtss_f32(m) / 127.0f;
  const __m256 inv = _mm256_set1_ps(d > 0 ? 1.0f / d : 0.0f);
  __m256i q[4];
  for (int i = 0; i < 4; ++i) {
    q[i] = _mm256_cvtps_epi32(
        _mm256_round_ps(_mm256_mul_ps(x[i], inv), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
  // Narrow 32 int32 to 32 int8; the packs interleave 128-bit lanes, the permute restores order.
  const __m256i words = _mm256_packs_epi32(q[0], q[1]), words2 = _mm256_packs_epi32(q[2], q[3]);
  const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(words, words2),
                                                    _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.values.data() + b * 32), bytes);
  __m256i total = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
  __m128i t = _mm_add_epi32(_mm256_castsi256_si128(total), _mm256_extracti128_si256(total, 1));
  t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4E));
  t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xB1));
  const int sum = _mm_cvtsi128_si32(t);
  out.scales[b] = d;
  out.sums[b] = d * static_cast<float>(sum);
  out.offsets[b] = -128 * sum;
}

}  // namespace

void QuantizeQ8(std::span<const float> x, QuantizedVector& out, bool reference) {
  const size_t blocks = x.size() / 32;
  out.scales.resize(blocks);
  out.values.resize(blocks * 32);
  out.sums.resize(blocks);
  out.offsets.resize(blocks);
  const bool avx2 = !reference && HaveAvx2();
  for (size_t b = 0; b < blocks; ++b) {
    if (avx2) {
      QuantizeBlockAvx2(x.data() + b * 32, out, b);
    } else {
      QuantizeBlock(x.data() + b * 32, out, b);
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

// One block of w against one of v: 8 int32 partial sums.
__attribute__((target("avx2,fma,f16c"), always_inline)) inline __m256i Q8Dot(__m256i abs_w,
                                                                             __m256i w,
                                                                             const int8_t* v) {
  const __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v));
  return _mm256_madd_epi16(_mm256_maddubs_epi16(abs_w, _mm256_sign_epi8(vb, w)),
                           _mm256_set1_epi16(1));
}

// One block of w against four vectors' blocks: the four integer dot products, each as 8
// partial sums, folded by two rounds of hadd into one register (vector j's sums in lanes j and
// j + 4). abs_w = |w|: maddubs wants unsigned bytes, so w's signs move onto v.
__attribute__((target("avx2,fma,f16c"), always_inline)) inline __m256i Q8Dot4(__m256i abs_w,
                                                                              __m256i w,
                                                                              const int8_t* v) {
  return _mm256_hadd_epi32(_mm256_hadd_epi32(Q8Dot(abs_w, w, v), Q8Dot(abs_w, w, v + 32)),
                           _mm256_hadd_epi32(Q8Dot(abs_w, w, v + 64), Q8Dot(abs_w, w, v + 96)));
}

__attribute__((target("avx2,fma,f16c"))) void DotQ8_0x4Avx2(const uint8_t* row,
                                                            const QuantizedGroup& x, size_t cols,
                                                            float* out) {
  __m256 acc = _mm256_setzero_ps();
  const int8_t* v = x.values.data();
  const float* scales = x.scales.data();
  for (size_t b = 0; b < cols / 32; ++b, row += 34, v += 128, scales += 8) {
    uint16_t half_scale;
    std::memcpy(&half_scale, row, 2);
    const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 2));
    const __m256 scale =
        _mm256_mul_ps(_mm256_set1_ps(_cvtsh_ss(half_scale)), _mm256_loadu_ps(scales));
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(Q8Dot4(_mm256_sign_epi8(w, w), w, v)), scale, acc);
  }
  _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1)));
}

void GroupQ8(const QuantizedVector* const* four, QuantizedGroup& out) {
  const size_t blocks = four[0]->scales.size();
  out.values.resize(blocks * 128);
  out.scales.resize(blocks * 8);
  for (size_t b = 0; b < blocks; ++b) {
    for (size_t j = 0; j < 4; ++j) {
      std::memcpy(&out.values[(b * 4 + j) * 32], &four[j]->values[b * 32], 32);
      out.scales[b * 8 + j] = out.scales[b * 8 + 4 + j] = four[j]->scales[b];
    }
  }
}

__attribute__((target("avx2,fma"))) float DotF32Avx2(const float* a, const float* b, size_t n) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
  }
  __m256 acc = _mm256_add_ps(acc0, acc1);
  __m128 half = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  half = _mm_add_ps(half, _mm_movehl_ps(half, half));
  half = _mm_add_ss(half, _mm_movehdup_ps(half));
  float sum = _mm_cvtss_f32(half);
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float DotF32(const float* a, const float* b, size_t n, bool reference) {
  if (!reference && HaveAvx2()) return DotF32Avx2(a, b, n);
  float sum = 0;
  for (size_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
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

namespace {

// One row of quantized weights against x quantized to 8 bits.
using QuantizedDot = float (*)(const uint8_t* row, const QuantizedVector& x, size_t cols);

// The AVX2 kernel for `type` against 8-bit activations; null for types without one.
QuantizedDot QuantizedDotFor(model::GgmlType type) {
  switch (type) {
    case model::GgmlType::kQ8_0:
      return DotQ8_0Avx2;
    case model::GgmlType::kQ4_0:
      return DotQ4_0Avx2;
    case model::GgmlType::kQ4_K:
      return DotQ4_KAvx2;
    case model::GgmlType::kQ6_K:
      return DotQ6_KAvx2;
    default:
      return nullptr;
  }
}

}  // namespace

void MatVec(const WeightMatrix& w, const float* x, float* y, ThreadPool& pool, bool reference) {
  if (w.layout != WeightLayout::kRows && !reference) return MatMul(w, x, y, 1, pool);
  const QuantizedDot dot = QuantizedDotFor(w.type);
  if (!reference && dot != nullptr && HaveAvx2()) {
    thread_local QuantizedVector xq;  // the caller's thread quantizes, workers read
    QuantizeQ8(std::span<const float>(x, w.cols), xq);
    const QuantizedVector& shared = xq;
    const size_t row_bytes = RowBytes(w);
    pool.ParallelFor(w.rows, [&](size_t begin, size_t end) {
      for (size_t r = begin; r < end; ++r) {
        y[r] = dot(w.data.data() + r * row_bytes, shared, w.cols);
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
  pool.ParallelFor(w.rows,
                   [&](size_t begin, size_t end) { MatVecReferenceRows(w, begin, end, x, y); });
}

void MatMul(const WeightMatrix& w, const float* x, float* y, size_t count, ThreadPool& pool,
            bool reference) {
  const Product one{&w, y};
  MatMulShared(std::span<const Product>(&one, 1), x, count, pool, reference);
}

namespace {

// Rows [begin, end) of p against the `count` quantized vectors; Q8_0 rows run four vectors at
// a time on the grouped kernel.
void ProductRows(const Product& p, size_t begin, size_t end,
                 std::span<const QuantizedVector> single, std::span<const QuantizedGroup> grouped) {
  const WeightMatrix& w = *p.w;
  if (w.layout == WeightLayout::kQ8_0x16) {  // whole groups: each range starts at a group
    constexpr size_t g = kPackedQ8_0Rows;
    PackedQ8_0Product(w, (begin + g - 1) / g, (end + g - 1) / g, single, p.y);
    return;
  }
  const QuantizedDot dot = QuantizedDotFor(w.type);
  const size_t row_bytes = RowBytes(w);
  const size_t count = single.size();
  for (size_t r = begin; r < end; ++r) {
    const uint8_t* row = w.data.data() + r * row_bytes;
    size_t b = 0;
    for (; w.type == model::GgmlType::kQ8_0 && b + 4 <= count; b += 4) {
      float out[4];
      DotQ8_0x4Avx2(row, grouped[b / 4], w.cols, out);
      for (size_t i = 0; i < 4; ++i) p.y[(b + i) * w.rows + r] = out[i];
    }
    for (; b < count; ++b) p.y[b * w.rows + r] = dot(row, single[b], w.cols);
  }
}

}  // namespace

void MatMulShared(std::span<const Product> products, const float* x, size_t count, ThreadPool& pool,
                  bool reference) {
  bool fast = !reference && HaveAvx2();
  bool any_q8_0 = false;
  for (const Product& p : products) {
    fast = fast && QuantizedDotFor(p.w->type) != nullptr && p.w->cols == products[0].w->cols;
    any_q8_0 =
        any_q8_0 || (p.w->type == model::GgmlType::kQ8_0 && p.w->layout == WeightLayout::kRows);
  }
  if (!fast ||
      (count == 1 && products.size() == 1 && products[0].w->layout == WeightLayout::kRows)) {
    for (const Product& p : products) {
      for (size_t b = 0; b < count; ++b) {
        MatVec(*p.w, x + b * p.w->cols, p.y + b * p.w->rows, pool, reference);
      }
    }
    return;
  }
  const size_t cols = products[0].w->cols;
  thread_local std::vector<QuantizedVector> xq;  // the caller's thread quantizes, workers read
  thread_local std::vector<QuantizedGroup> groups;
  if (xq.size() < count) xq.resize(count);
  const size_t group_count = any_q8_0 ? count / 4 : 0;
  if (groups.size() < group_count) groups.resize(group_count);
  for (size_t b = 0; b < count; ++b) QuantizeQ8(std::span<const float>(x + b * cols, cols), xq[b]);
  for (size_t g = 0; g < group_count; ++g) {
    const QuantizedVector* four[4] = {&xq[4 * g], &xq[4 * g + 1], &xq[4 * g + 2], &xq[4 * g + 3]};
    GroupQ8(four, groups[g]);
  }
  // The products' rows, one after another, split over the pool in one go.
  size_t total_rows = 0;
  for (const Product& p : products) total_rows += p.w->rows;
  const std::span<const QuantizedVector> single(xq.data(), count);
  const std::span<const QuantizedGroup> grouped(groups.data(), group_count);
  pool.ParallelFor(total_rows, [&](size_t begin, size_t end) {
    size_t first = 0;  // products[i]'s row 0 among all rows
    for (const Product& p : products) {
      const size_t last = first + p.w->rows;
      if (begin < last && end > first) {
        ProductRows(p, std::max(begin, first) - first, std::min(end, last) - first, single,
                    grouped);
      }
      first = last;
    }
  });
}

}  // namespace bastion::engine
