#pragma once
// y = W x for a weight matrix stored as a GGUF tensor: `rows` rows of `cols` elements each,
// row-major, in any type the engine reads (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K). These are the
// portable reference kernels: every SIMD kernel is tested against them.

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/status.h"
#include "model/gguf/ggml_type.h"

namespace bastion::engine {

// How the rows' blocks are laid out: one row after another as the file has them, or Q8_0
// regrouped sixteen rows at a time for the VNNI kernels (q8_0_packed.h).
enum class WeightLayout : uint8_t { kRows, kQ8_0x16 };

struct WeightMatrix {
  model::GgmlType type;
  size_t rows;
  size_t cols;
  std::span<const uint8_t> data;
  WeightLayout layout = WeightLayout::kRows;
};

// OK when the engine has a kernel for `type` (the matrix's shape was checked by the reader).
Status CheckMatVecType(model::GgmlType type);

// Bytes of one row of `w` in its type's block layout.
size_t RowBytes(const WeightMatrix& w);

// REQUIRES: CheckMatVecType(w.type).ok(); x has w.cols elements, y has w.rows.
void MatVecReference(const WeightMatrix& w, const float* x, float* y);
// Rows [begin, end) only: y[r] for r in that range.
void MatVecReferenceRows(const WeightMatrix& w, size_t begin, size_t end, const float* x, float* y);

// Row `row` of `w` as floats (embedding lookups). REQUIRES: out has w.cols elements.
void DequantizeRow(const WeightMatrix& w, size_t row, float* out);

}  // namespace bastion::engine
