#pragma once
// Q8_0 weights regrouped for AVX-512 VNNI's vpdpbusd (four byte products summed into each
// 32-bit lane), so that one 512-bit instruction advances sixteen rows at once and no horizontal
// sums are needed. Rows go in groups of sixteen; group g's block k (32 columns) is 544 bytes, as
// many as the sixteen rows' Q8_0 blocks, and sits where they sat:
//
//   the sixteen rows' F16 scales (32 bytes), then for j = 0..7 the rows' bytes 4j..4j+3,
//   row after row (64 bytes), each value stored plus 128.
//
// vpdpbusd multiplies unsigned by signed bytes: the weights carry the unsigned side (w + 128)
// and the activations stay signed, so a block's sum is too large by 128 times the sum of the
// activation block's values, which QuantizedVector::offsets takes back out.
//
// A tile of sixteen rows times up to eight vectors runs in registers: each weight block is
// loaded once per tile, and each 4-byte word of activations once per row group.

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/kernels/matvec.h"
#include "engine/kernels/matvec_fast.h"

namespace bastion::engine {

// Rows per group.
constexpr size_t kPackedQ8_0Rows = 16;

// True when this CPU runs the packed kernels (AVX-512 VNNI with VL, AVX2, FMA, F16C).
bool HaveVnni();

// A Q8_0 matrix in the row-major layout whose rows can be grouped by eight.
bool CanPackQ8_0(const WeightMatrix& w);

// Writes row groups [group_begin, group_end) of `w` in the packed layout at the same offsets
// of `out` (RowBytes(w) * w.rows bytes in all). REQUIRES: CanPackQ8_0(w).
void PackQ8_0Groups(const WeightMatrix& w, size_t group_begin, size_t group_end, uint8_t* out);

// Row `row` of a packed matrix as floats.
void DequantizePackedQ8_0Row(const WeightMatrix& w, size_t row, float* out);

// y[c * w.rows + r] = row r of `w` . x[c], for the rows of groups [group_begin, group_end)
// and every vector of x (quantized with QuantizeQ8 from w.cols elements).
// REQUIRES: HaveVnni(), w packed.
void PackedQ8_0Product(const WeightMatrix& w, size_t group_begin, size_t group_end,
                       std::span<const QuantizedVector> x, float* y);

}  // namespace bastion::engine
