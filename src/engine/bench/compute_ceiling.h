#pragma once
// The machine's 8-bit multiply-add throughput, measured with the instruction the engine's
// quantized kernels are built on (AVX-512 VNNI's vpdpbusd, else AVX2's vpmaddubsw and
// vpmaddwd), on `threads` threads at once. Prompt processing is bounded by it (each prompt
// token costs one multiply-add per weight), so benchmarks print it beside their figures.

#include <cstddef>

namespace bastion::engine {

// Billions of 8-bit multiply-adds per second over all threads (best of `passes`); 0 on CPUs
// without AVX2.
double MeasureInt8Gmacs(size_t threads, int passes = 3);

}  // namespace bastion::engine
