// bench/engine/kernels: the Q8_0 matrix products on their own, for matrices of
// R1-Distill-Qwen-1.5B's FFN shape (8960 x 1536) and batches of 1 to 32 vectors: median time,
// multiply-adds per second, and weight bytes read per second (what bounds a batch of one).
// Calls cycle through 16 matrices (235 MB), so that weights come from memory as in a model,
// not from the caches.
//
//   build/bench/bastion_kernel_bench [threads]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "engine/kernels/matvec_fast.h"
#include "engine/kernels/q8_0_packed.h"

namespace {

using namespace bastion::engine;

double MedianSeconds(const std::function<void()>& fn, int reps) {
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    auto start = std::chrono::steady_clock::now();
    fn();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const size_t threads = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 2;
  const size_t rows = 8960, cols = 1536;
  std::mt19937 rng(1);
  constexpr size_t kMatrices = 16;
  const size_t matrix_bytes = rows * cols / 32 * 34;
  std::vector<uint8_t> bytes(kMatrices * matrix_bytes);
  for (size_t b = 0; b < bytes.size(); b += 34) {
    const uint16_t scale = 0x2000;  // a small F16
    bytes[b] = scale & 0xFF;
    bytes[b + 1] = scale >> 8;
    for (size_t i = 2; i < 34; ++i) bytes[b + i] = static_cast<uint8_t>(rng());
  }
  std::vector<uint8_t> packed_bytes(bytes.size());
  std::vector<WeightMatrix> rows_layout, packed;
  const bool vnni = HaveVnni();
  for (size_t m = 0; m < kMatrices; ++m) {
    const std::span<const uint8_t> data(bytes.data() + m * matrix_bytes, matrix_bytes);
    rows_layout.push_back({bastion::model::GgmlType::kQ8_0, rows, cols, data});
    if (!vnni) continue;
    PackQ8_0Groups(rows_layout.back(), 0, rows / kPackedQ8_0Rows,
                   packed_bytes.data() + m * matrix_bytes);
    packed.push_back(
        {bastion::model::GgmlType::kQ8_0, rows, cols,
         std::span<const uint8_t>(packed_bytes.data() + m * matrix_bytes, matrix_bytes),
         WeightLayout::kQ8_0x16});
  }
  std::normal_distribution<float> normal;
  std::vector<float> x(32 * cols), y(32 * rows);
  for (float& v : x) v = normal(rng);
  ThreadPool pool(threads);
  std::printf("Q8_0 %zu x %zu (%.1f MB, %zu of them in turn) on %zu threads\n", rows, cols,
              matrix_bytes / 1e6, kMatrices, threads);
  std::printf("%-22s %6s %10s %10s %10s\n", "kernel", "batch", "median ms", "GMAC/s", "GB/s");
  for (const auto& [name, ws] :
       {std::pair{"AVX2 rows", &rows_layout}, std::pair{"VNNI packed", &packed}}) {
    for (size_t batch : {1, 2, 4, 8, 16, 32}) {
      if (ws->empty()) continue;
      size_t next = 0;
      const double s =
          MedianSeconds([&] { MatMul((*ws)[next++ % kMatrices], x.data(), y.data(), batch, pool); },
                        batch == 1 ? 200 : 50);
      std::printf("%-22s %6zu %10.3f %10.1f %10.1f\n", name, batch, s * 1e3,
                  rows * cols * batch / s / 1e9, matrix_bytes / s / 1e9);
    }
  }
  return 0;
}
