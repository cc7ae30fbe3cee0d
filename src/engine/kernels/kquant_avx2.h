#pragma once
// Dot products of one row of Q4_0, Q4_K or Q6_K weights with activations quantized to 8 bits
// (QuantizeQ8), on AVX2 integer multiply-adds as the Q8_0 kernel does. Exact on the quantized
// activations up to float summation order: the tests compare them with MatVecReference applied
// to x as rounded. Pure functions; safe on any thread.
//
// REQUIRES for all three: HaveAvx2(); x quantized from `cols` elements (with its sums); cols a
// multiple of the type's block (32 for Q4_0, 256 for Q4_K and Q6_K); row points at one row's
// bytes (no alignment needed).

#include <cstddef>
#include <cstdint>

#include "engine/kernels/matvec_fast.h"

namespace bastion::engine {

float DotQ4_0Avx2(const uint8_t* row, const QuantizedVector& x, size_t cols);
float DotQ4_KAvx2(const uint8_t* row, const QuantizedVector& x, size_t cols);
float DotQ6_KAvx2(const uint8_t* row, const QuantizedVector& x, size_t cols);

}  // namespace bastion::engine
