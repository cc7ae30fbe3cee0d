#pragma once
// y = W x on every thread of a pool, with AVX2 kernels where the CPU has them (picked at run
// time) and the reference kernels otherwise. Same contract as MatVecReference.

#include "engine/kernels/matvec.h"
#include "engine/kernels/thread_pool.h"

namespace bastion::engine {

void MatVec(const WeightMatrix& w, const float* x, float* y, ThreadPool& pool);

// True when this CPU runs the AVX2 kernels (AVX2, FMA and F16C).
bool HaveAvx2();

// One row's dot product with the AVX2 Q8_0 kernel; for tests against the reference.
// REQUIRES: HaveAvx2(), cols a multiple of 32.
float DotQ8_0Avx2(const uint8_t* row, const float* x, size_t cols);

}  // namespace bastion::engine
