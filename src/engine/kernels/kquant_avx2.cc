#include "engine/kernels/kquant_avx2.h"

#include <immintrin.h>

#include <cstring>

// Lambdas do not inherit target attributes: the helpers are functions forced inline.
#define AVX2_KERNEL __attribute__((target("avx2,fma,f16c")))
#define AVX2_INLINE __attribute__((target("avx2,fma,f16c"), always_inline)) inline

namespace bastion::engine {
namespace {

// Bytes per block (ggml_type.cc has them too).
constexpr size_t kQ4_0Bytes = 18, kQ4_KBytes = 144, kQ6_KBytes = 210;

AVX2_INLINE float HalfAt(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  return _cvtsh_ss(h);
}

AVX2_INLINE __m256i Load256(const void* p) {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

// 32 signed weights times 32 activations: 8 int32 partial sums, lane i over elements 4i to
// 4i + 3. maddubs multiplies unsigned by signed bytes, so w's signs move onto x.
AVX2_INLINE __m256i SignedDot(__m256i w, const int8_t* x) {
  const __m256i products =
      _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(Load256(x), w));
  return _mm256_madd_epi16(products, _mm256_set1_epi16(1));
}

// The same for weights in [0, 127].
AVX2_INLINE __m256i UnsignedDot(__m256i w, const int8_t* x) {
  return _mm256_madd_epi16(_mm256_maddubs_epi16(w, Load256(x)), _mm256_set1_epi16(1));
}

// Four 32-element dot products folded into one register of floats: product j's elements 0-15
// in lane j, its elements 16-31 in lane j + 4.
AVX2_INLINE __m256 Fold4(__m256i a, __m256i b, __m256i c, __m256i d) {
  return _mm256_cvtepi32_ps(_mm256_hadd_epi32(_mm256_hadd_epi32(a, b), _mm256_hadd_epi32(c, d)));
}

AVX2_INLINE float HorizontalSum(__m128 v) {
  v = _mm_add_ps(v, _mm_movehl_ps(v, v));
  return _mm_cvtss_f32(_mm_add_ss(v, _mm_movehdup_ps(v)));
}

AVX2_INLINE float HorizontalSum(__m256 v) {
  return HorizontalSum(_mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1)));
}

// A Q4_0 block's 16 bytes of nibbles as 32 bytes: low nibbles are elements 0-15, high
// nibbles 16-31 (the bytes in both halves of the register, the upper half shifted by 4).
AVX2_INLINE __m256i Q4_0Nibbles(const uint8_t* block) {
  const __m256i packed =
      _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 2)));
  return _mm256_and_si256(_mm256_srlv_epi64(packed, _mm256_setr_epi64x(0, 0, 4, 4)),
                          _mm256_set1_epi8(0x0F));
}

// A Q4_0 block's nibbles (not yet minus 8) times x's block, as UnsignedDot's sums.
AVX2_INLINE __m256i Q4_0Dot(const uint8_t* block, const int8_t* x) {
  return UnsignedDot(Q4_0Nibbles(block), x);
}

// Q4_K's 12 bytes of six-bit scales and mins as bytes: scales 0-7, then mins 0-7. As 32-bit
// words w0 w1 w2: w0 holds scales 0-3 and, in each byte's top two bits, the high bits of
// scales 4-7; w1 the same for the mins; w2 the low nibbles of scales 4-7 (low) and of mins 4-7
// (high). This is ScaleMinK4 in matvec.cc, four at a time in each lane.
AVX2_INLINE __m128i Q4_KScalesMins(const uint8_t* packed) {
  const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(packed));  // and 4 more
  const __m128i low = _mm_shuffle_epi32(w, _MM_SHUFFLE(2, 1, 2, 0));            // w0 w2 w1 w2
  const __m128i high = _mm_shuffle_epi32(w, _MM_SHUFFLE(1, 1, 0, 0));           // w0 w0 w1 w1
  const __m128i low_bits =
      _mm_and_si128(_mm_srlv_epi32(low, _mm_setr_epi32(0, 0, 0, 4)),
                    _mm_setr_epi32(0x3F3F3F3F, 0x0F0F0F0F, 0x3F3F3F3F, 0x0F0F0F0F));
  const __m128i high_bits =
      _mm_and_si128(_mm_srli_epi32(high, 2), _mm_setr_epi32(0, 0x30303030, 0, 0x30303030));
  return _mm_or_si128(low_bits, high_bits);
}

// Q4_K sub-blocks 4h to 4h + 3 against x's blocks: 64 bytes of nibbles, each 32 holding one
// sub-block in their low nibbles and the next in their high ones. Laid out as Fold4's.
AVX2_INLINE __m256 Q4_KHalf(const uint8_t* q, const int8_t* x) {
  const __m256i mask = _mm256_set1_epi8(0x0F);
  const __m256i a = Load256(q), b = Load256(q + 32);
  return Fold4(UnsignedDot(_mm256_and_si256(a, mask), x),
               UnsignedDot(_mm256_and_si256(_mm256_srli_epi16(a, 4), mask), x + 32),
               UnsignedDot(_mm256_and_si256(b, mask), x + 64),
               UnsignedDot(_mm256_and_si256(_mm256_srli_epi16(b, 4), mask), x + 96));
}

// Six-bit Q6_K values minus 32 from a low nibble and two high bits already at bits 4-5.
AVX2_INLINE __m256i Q6_KWeights(__m256i low, __m256i high) {
  const __m256i q = _mm256_or_si256(_mm256_and_si256(low, _mm256_set1_epi8(0x0F)),
                                    _mm256_and_si256(high, _mm256_set1_epi8(0x30)));
  return _mm256_sub_epi8(q, _mm256_set1_epi8(32));
}

// 128 elements of a Q6_K super-block against x's 4 blocks. Element l + 32k takes its low four
// bits from ql[l] (k = 0, 2) or ql[l + 32] (k = 1, 3), from the low nibble for k < 2 and the
// high one otherwise, and its top two bits from bits 2k and 2k + 1 of qh[l]. Laid out as
// Fold4's.
AVX2_INLINE __m256 Q6_KHalf(const uint8_t* ql, const uint8_t* qh, const int8_t* x) {
  const __m256i a = Load256(ql), b = Load256(ql + 32), h = Load256(qh);
  return Fold4(SignedDot(Q6_KWeights(a, _mm256_slli_epi16(h, 4)), x),
               SignedDot(Q6_KWeights(b, _mm256_slli_epi16(h, 2)), x + 32),
               SignedDot(Q6_KWeights(_mm256_srli_epi16(a, 4), h), x + 64),
               SignedDot(Q6_KWeights(_mm256_srli_epi16(b, 4), _mm256_srli_epi16(h, 2)), x + 96));
}

}  // namespace

AVX2_KERNEL float DotQ4_0Avx2(const uint8_t* row, const QuantizedVector& x, size_t cols) {
  constexpr size_t kStep = kQ4_0Bytes;
  const size_t blocks = cols / 32;
  __m256 acc = _mm256_setzero_ps();
  __m128 offset = _mm_setzero_ps();  // d times x's block sum: each weight is d * (q - 8)
  size_t b = 0;
  for (; b + 4 <= blocks; b += 4) {
    const uint8_t* w = row + b * kStep;
    const int8_t* v = &x.values[b * 32];
    const __m128 d =
        _mm_setr_ps(HalfAt(w), HalfAt(w + kStep), HalfAt(w + 2 * kStep), HalfAt(w + 3 * kStep));
    const __m128 scales = _mm_mul_ps(d, _mm_loadu_ps(&x.scales[b]));
    const __m256 sums = Fold4(Q4_0Dot(w, v), Q4_0Dot(w + kStep, v + 32),
                              Q4_0Dot(w + 2 * kStep, v + 64), Q4_0Dot(w + 3 * kStep, v + 96));
    acc = _mm256_fmadd_ps(sums, _mm256_set_m128(scales, scales), acc);
    offset = _mm_fmadd_ps(d, _mm_loadu_ps(&x.sums[b]), offset);
  }
  for (; b < blocks; ++b) {  // the last blocks of a count not divisible by 4
    const uint8_t* w = row + b * kStep;
    const __m256 sums = _mm256_cvtepi32_ps(Q4_0Dot(w, &x.values[b * 32]));
    acc = _mm256_fmadd_ps(sums, _mm256_set1_ps(HalfAt(w) * x.scales[b]), acc);
    offset = _mm_add_ss(offset, _mm_set_ss(HalfAt(w) * x.sums[b]));
  }
  return HorizontalSum(acc) - 8 * HorizontalSum(offset);
}

AVX2_KERNEL float DotQ4_KAvx2(const uint8_t* row, const QuantizedVector& x, size_t cols) {
  const int8_t* v = x.values.data();
  const float* block_scales = x.scales.data();
  const float* block_sums = x.sums.data();
  __m256 acc = _mm256_setzero_ps();
  for (size_t b = 0; b < cols / 256;
       ++b, row += kQ4_KBytes, v += 256, block_scales += 8, block_sums += 8) {
    const __m128i scales_mins = Q4_KScalesMins(row + 4);
    int32_t d_dmin;  // two F16s
    std::memcpy(&d_dmin, row, 4);
    const __m128 d = _mm_cvtph_ps(_mm_cvtsi32_si128(d_dmin));
    // Lane j: sub-block j's d * scale times x's block scale, and dmin * min.
    const __m256 scale =
        _mm256_mul_ps(_mm256_mul_ps(_mm256_broadcastss_ps(d),
                                    _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(scales_mins))),
                      _mm256_loadu_ps(block_scales));
    const __m256 min =
        _mm256_mul_ps(_mm256_broadcastss_ps(_mm_movehdup_ps(d)),
                      _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(scales_mins, 8))));
    acc = _mm256_fnmadd_ps(min, _mm256_loadu_ps(block_sums), acc);
    acc = _mm256_fmadd_ps(Q4_KHalf(row + 16, v), _mm256_permute2f128_ps(scale, scale, 0x00), acc);
    acc = _mm256_fmadd_ps(Q4_KHalf(row + 80, v + 128), _mm256_permute2f128_ps(scale, scale, 0x11),
                          acc);
  }
  return HorizontalSum(acc);
}

AVX2_KERNEL float DotQ6_KAvx2(const uint8_t* row, const QuantizedVector& x, size_t cols) {
  // Fold4 leaves the four blocks' first halves in lanes 0-3 and second halves in 4-7; the
  // scales (one per 16 elements) come in block order: the permutation lines them up.
  const __m256i by_half = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  const int8_t* v = x.values.data();
  const float* block_scales = x.scales.data();
  __m256 acc = _mm256_setzero_ps();
  for (size_t b = 0; b < cols / 256; ++b, row += kQ6_KBytes) {
    const __m256 d = _mm256_set1_ps(HalfAt(row + 208));
    for (size_t n = 0; n < 2; ++n, v += 128, block_scales += 4) {
      const __m128i sc = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + 192 + 8 * n));
      const __m256 scales =
          _mm256_permutevar8x32_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(sc)), by_half);
      const __m256 scale =
          _mm256_mul_ps(_mm256_mul_ps(d, scales),
                        _mm256_broadcast_ps(reinterpret_cast<const __m128*>(block_scales)));
      acc = _mm256_fmadd_ps(Q6_KHalf(row + 64 * n, row + 128 + 32 * n, v), scale, acc);
    }
  }
  return HorizontalSum(acc);
}

}  // namespace bastion::engine

#undef AVX2_KERNEL
#undef AVX2_INLINE
