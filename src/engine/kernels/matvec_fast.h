#pragma once
// y = W x on every thread of a pool, with AVX2 kernels where the CPU has them (picked at run
// time) and the reference kernels otherwise. Same contract as MatVecReference.
//
// The fast kernels for quantized weights (Q8_0 here, Q4_0, Q4_K and Q6_K in kquant_avx2.h)
// work as llama.cpp's do: x is quantized to 8 bits per 32-element block first, and each
// block's dot product runs on integer multiply-adds. That rounds x (relative error ~0.4% of a
// block's largest element), so results differ from the reference by more than float rounding;
// `reference` forces the exact kernels (bastion logits --kernels reference).

#include "engine/kernels/matvec.h"
#include "engine/kernels/thread_pool.h"

#include <span>
#include <vector>

namespace bastion::engine {

void MatVec(const WeightMatrix& w, const float* x, float* y, ThreadPool& pool,
            bool reference = false);

// Y = X W^T for `count` vectors at once: X is count x w.cols, Y is count x w.rows, both
// row-major. Each weight row is read from memory once for all of them (prompt processing).
void MatMul(const WeightMatrix& w, const float* x, float* y, size_t count, ThreadPool& pool,
            bool reference = false);

// Several matrices applied to the same X (q, k and v; gate and up): X is quantized once and
// all their rows are split over the pool in one go. Y of products[i] is count x rows_i.
// REQUIRES: every matrix has X's width.
struct Product {
  const WeightMatrix* w;
  float* y;
};
void MatMulShared(std::span<const Product> products, const float* x, size_t count, ThreadPool& pool,
                  bool reference = false);

// True when this CPU runs the AVX2 kernels (AVX2, FMA and F16C).
bool HaveAvx2();

// x in 32-element blocks of int8 with one float scale each.
struct QuantizedVector {
  std::vector<float> scales;
  std::vector<int8_t> values;
  // scales[b] times the sum of block b's values: Q4_K's mins and Q4_0's offset of 8 apply
  // to whole blocks.
  std::vector<float> sums;
  // -128 times the sum of block b's values: the packed Q8_0 kernels store weights plus 128.
  std::vector<int32_t> offsets;
};
// Each block's scale is its largest magnitude / 127; values round to nearest, ties to even.
// AVX2 where present, with the same results as the scalar loop (`reference`).
// REQUIRES: x.size() a multiple of 32.
void QuantizeQ8(std::span<const float> x, QuantizedVector& out, bool reference = false);

// One row of F16 (or, with `bf16`, BF16) weights times x, converted to float in registers;
// exact up to summation order. REQUIRES: HaveAvx2().
float DotHalfAvx2(const uint8_t* row, const float* x, size_t cols, bool bf16);

// a . b in float: AVX2 with FMA where present (summed in another order than the scalar loop),
// the plain loop otherwise or with `reference`. For attention scores.
float DotF32(const float* a, const float* b, size_t n, bool reference = false);

// One row's dot product with the AVX2 Q8_0 x Q8 kernel; for tests.
// REQUIRES: HaveAvx2(), cols a multiple of 32, x quantized from cols elements.
float DotQ8_0Avx2(const uint8_t* row, const QuantizedVector& x, size_t cols);
// Four quantized vectors laid out for the four-vector kernel: per block, the four vectors'
// 32 values one after another, and their scales twice over ([s0 s1 s2 s3 s0 s1 s2 s3]).
struct QuantizedGroup {
  std::vector<float> scales;
  std::vector<int8_t> values;
};
// REQUIRES: the four vectors have the same length.
void GroupQ8(const QuantizedVector* const* four, QuantizedGroup& out);
// out[i] = row . x[i] for the four vectors of a group (what MatMul runs on batches).
void DotQ8_0x4Avx2(const uint8_t* row, const QuantizedGroup& x, size_t cols, float* out);

}  // namespace bastion::engine
