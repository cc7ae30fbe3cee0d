#include "engine/kernels/q8_0_packed.h"

#include <immintrin.h>

#include <cstring>

#include "engine/kernels/half.h"

namespace bastion::engine {
namespace {

constexpr size_t kGroupRows = kPackedQ8_0Rows;
constexpr size_t kBlockBytes = 34;                             // one row's Q8_0 block
constexpr size_t kGroupBlockBytes = kGroupRows * kBlockBytes;  // 544: sixteen rows' blocks
// With several vectors per tile the loop is bound by multiply-adds, and blocks are prefetched
// this far ahead so that the next weights are already on their way (8 streams: 51 -> 62 tok/s,
// prefill +10%). A single vector is bound by memory and streams faster without.
constexpr size_t kPrefetchAhead = 8 * kGroupBlockBytes;
constexpr size_t kScaleBytes = 2 * kGroupRows;  // the sixteen F16 scales lead

// The packed byte of (row lane, column i) within a group's block.
size_t PackedOffset(size_t lane, size_t i) {
  return kScaleBytes + (i / 4) * 4 * kGroupRows + lane * 4 + i % 4;
}

}  // namespace

bool HaveVnni() {
  static const bool have = __builtin_cpu_supports("avx512vnni") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2") &&
                           __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  return have;
}

bool CanPackQ8_0(const WeightMatrix& w) {
  return w.type == model::GgmlType::kQ8_0 && w.layout == WeightLayout::kRows &&
         w.rows % kGroupRows == 0 && w.cols % 32 == 0;
}

void PackQ8_0Groups(const WeightMatrix& w, size_t group_begin, size_t group_end, uint8_t* out) {
  const size_t blocks = w.cols / 32;
  const size_t row_bytes = blocks * kBlockBytes;
  for (size_t g = group_begin; g < group_end; ++g) {
    for (size_t k = 0; k < blocks; ++k) {
      uint8_t* dst = out + (g * blocks + k) * kGroupBlockBytes;
      for (size_t lane = 0; lane < kGroupRows; ++lane) {
        const uint8_t* src = w.data.data() + (g * kGroupRows + lane) * row_bytes + k * kBlockBytes;
        std::memcpy(dst + 2 * lane, src, 2);
        for (size_t i = 0; i < 32; i += 4) {  // four bytes at a time, each plus 128
          uint32_t word;
          std::memcpy(&word, src + 2 + i, 4);
          word ^= 0x80808080u;
          std::memcpy(dst + PackedOffset(lane, i), &word, 4);
        }
      }
    }
  }
}

void DequantizePackedQ8_0Row(const WeightMatrix& w, size_t row, float* out) {
  const size_t blocks = w.cols / 32;
  const size_t lane = row % kGroupRows;
  const uint8_t* group = w.data.data() + (row / kGroupRows) * blocks * kGroupBlockBytes;
  for (size_t k = 0; k < blocks; ++k, group += kGroupBlockBytes) {
    uint16_t scale;
    std::memcpy(&scale, group + 2 * lane, 2);
    const float d = F16ToFloat(scale);
    for (size_t i = 0; i < 32; ++i) {
      out[k * 32 + i] = d * static_cast<int8_t>(group[PackedOffset(lane, i)] ^ 0x80);
    }
  }
}

namespace {

// GCC 12 reports its own AVX-512 conversion intrinsics (_mm512_undefined_ps inside) as
// possibly uninitialized.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define BASTION_VNNI __attribute__((target("avx512f,avx512vl,avx512vnni,avx2,fma,f16c")))

// One group's sixteen rows (`blocks` blocks from `group`) against C vectors; writes each
// vector's sixteen results at y + c * y_stride.
template <size_t C>
BASTION_VNNI void Tile(const uint8_t* group, size_t blocks, const QuantizedVector* x, float* y,
                       size_t y_stride) {
  const int8_t* values[C];
  const float* scales[C];
  const int32_t* offsets[C];
  __m512 acc[C];
  for (size_t c = 0; c < C; ++c) {
    values[c] = x[c].values.data();
    scales[c] = x[c].scales.data();
    offsets[c] = x[c].offsets.data();
    acc[c] = _mm512_setzero_ps();
  }
  for (size_t k = 0; k < blocks; ++k, group += kGroupBlockBytes) {
    for (size_t line = 0; C > 1 && line < kGroupBlockBytes; line += 64) {
      _mm_prefetch(reinterpret_cast<const char*>(group + kPrefetchAhead + line), _MM_HINT_T0);
    }
    const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(group)));
    __m512i w[8];
#pragma GCC unroll 8
    for (size_t j = 0; j < 8; ++j) {
      w[j] = _mm512_loadu_si512(group + kScaleBytes + 64 * j);
    }
#pragma GCC unroll 8
    for (size_t c = 0; c < C; ++c) {
      const int8_t* a = values[c] + 32 * k;
      __m512i dot = _mm512_set1_epi32(offsets[c][k]);
#pragma GCC unroll 8
      for (size_t j = 0; j < 8; ++j) {
        int32_t word;
        std::memcpy(&word, a + 4 * j, 4);
        dot = _mm512_dpbusd_epi32(dot, w[j], _mm512_set1_epi32(word));
      }
      acc[c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot),
                               _mm512_mul_ps(dw, _mm512_set1_ps(scales[c][k])), acc[c]);
    }
  }
  for (size_t c = 0; c < C; ++c) _mm512_storeu_ps(y + c * y_stride, acc[c]);
}

using TileFn = void (*)(const uint8_t*, size_t, const QuantizedVector*, float*, size_t);
constexpr TileFn kTiles[] = {Tile<1>, Tile<2>, Tile<3>, Tile<4>,
                             Tile<5>, Tile<6>, Tile<7>, Tile<8>};
constexpr size_t kMaxTile = std::size(kTiles);

#pragma GCC diagnostic pop

}  // namespace

void PackedQ8_0Product(const WeightMatrix& w, size_t group_begin, size_t group_end,
                       std::span<const QuantizedVector> x, float* y) {
  const size_t blocks = w.cols / 32;
  for (size_t g = group_begin; g < group_end; ++g) {
    const uint8_t* group = w.data.data() + g * blocks * kGroupBlockBytes;
    for (size_t c = 0; c < x.size(); c += kMaxTile) {
      const size_t tile = std::min(kMaxTile, x.size() - c);
      kTiles[tile - 1](group, blocks, &x[c], y + c * w.rows + g * kGroupRows, w.rows);
    }
  }
}

}  // namespace bastion::engine
