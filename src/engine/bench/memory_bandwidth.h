#pragma once
// The machine's memory read bandwidth, measured the way token generation uses memory: a
// buffer far larger than the caches, read once per pass by `threads` threads. Decode speed
// is bounded by it (every weight is read once per token), so benchmarks print it beside
// their figures.

#include <cstddef>

namespace bastion::engine {

// Best of `passes` full reads of a `bytes`-sized buffer, in GB/s (10^9 bytes per second).
double MeasureReadBandwidth(size_t threads, size_t bytes = size_t{512} << 20, int passes = 5);

}  // namespace bastion::engine
