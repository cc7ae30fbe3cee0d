#include "engine/kernels/matvec_fast.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "engine/kernels/half.h"
#include "engine/kernels/random_q8_0.h"

namespace bastion::engine {
namespace {

using model::GgmlType;

TEST(MatVecFastTest, VectorQuantizationEqualsTheScalarLoop) {
  std::mt19937 rng(2);
  std::normal_distribution<float> normal;
  std::vector<float> x(32 * 40);
  for (float& v : x) v = normal(rng) * 10;
  std::fill(x.begin(), x.begin() + 32, 0.0f);  // scale 0
  x[32] = 127;  // scale 1, so the rest of the block are ties: 125.5, 123.5, ..., 65.5
  for (int i = 1; i < 32; ++i) x[32 + i] = 127.5f - 2 * i;
  x[64] = -1e30f;  // one huge value drowns the rest of its block
  for (int i = 0; i < 32; ++i) x[96 + i] = i % 2 ? 1e-30f : -1e-30f;  // tiny, still nonzero
  QuantizedVector fast, scalar;
  QuantizeQ8(x, fast);
  QuantizeQ8(x, scalar, /*reference=*/true);
  EXPECT_EQ(fast.values, scalar.values);
  EXPECT_EQ(fast.scales, scalar.scales);
  EXPECT_EQ(fast.sums, scalar.sums);
  EXPECT_EQ(fast.offsets, scalar.offsets);
  EXPECT_EQ(scalar.values[32], 127);
  EXPECT_EQ(scalar.values[33], 126);  // ties round to even
  EXPECT_EQ(scalar.values[34], 124);
  EXPECT_EQ(scalar.values[64], -127);
}

TEST(MatVecFastTest, Avx2Q8_0IsExactOnTheQuantizedActivations) {
  if (!HaveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::mt19937 rng(5);
  std::normal_distribution<float> normal;
  ThreadPool pool(3);
  for (size_t rows : {1u, 2u, 7u, 37u}) {
    for (size_t cols : {32u, 64u, 96u, 1056u}) {
      auto bytes = RandomQ8_0(rows, cols, rng);
      std::vector<float> x(cols);
      for (float& v : x) v = normal(rng);
      x[3] = 0;  // a zero and an all-zero block must not divide by zero
      if (cols >= 64) std::fill(x.begin() + 32, x.begin() + 64, 0.0f);
      WeightMatrix w{GgmlType::kQ8_0, rows, cols, bytes};
      // What the kernel computes: the reference product with x rounded to 8 bits per block.
      QuantizedVector xq;
      QuantizeQ8(x, xq);
      std::vector<float> rounded(cols);
      for (size_t i = 0; i < cols; ++i) rounded[i] = xq.scales[i / 32] * xq.values[i];
      std::vector<float> want(rows), got(rows), exact(rows);
      MatVecReference(w, rounded.data(), want.data());
      MatVecReference(w, x.data(), exact.data());
      MatVec(w, x.data(), got.data(), pool);
      for (size_t r = 0; r < rows; ++r) {
        EXPECT_NEAR(got[r], want[r], 1e-4f * (1 + std::fabs(want[r])))
            << rows << "x" << cols << " row " << r;
      }
      MatVec(w, x.data(), got.data(), pool, /*reference=*/true);
      EXPECT_EQ(got, exact);
    }
  }
}

TEST(MatVecFastTest, MatMulEqualsOneMatVecPerVector) {
  // Counts of 1 to 9 cover the four-vector kernel, its remainders, and both together.
  std::mt19937 rng(9);
  std::normal_distribution<float> normal;
  ThreadPool pool(2);
  const size_t rows = 13, cols = 96;
  auto bytes = RandomQ8_0(rows, cols, rng);
  WeightMatrix w{GgmlType::kQ8_0, rows, cols, bytes};
  for (size_t count = 1; count <= 9; ++count) {
    std::vector<float> x(count * cols), got(count * rows), want(rows);
    for (float& v : x) v = normal(rng);
    MatMul(w, x.data(), got.data(), count, pool);
    for (size_t b = 0; b < count; ++b) {
      MatVec(w, x.data() + b * cols, want.data(), pool);
      for (size_t r = 0; r < rows; ++r) {
        EXPECT_NEAR(got[b * rows + r], want[r], 1e-4f * (1 + std::fabs(want[r])))
            << "count " << count << " vector " << b << " row " << r;
      }
    }
  }
}

TEST(MatVecFastTest, SharedInputProductsEqualSeparateOnes) {
  // q/k/v-like: three matrices of different heights over one input, rows split across them.
  std::mt19937 rng(11);
  std::normal_distribution<float> normal;
  const size_t cols = 64;
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<WeightMatrix> ws;
  for (size_t rows : {7u, 3u, 12u}) {
    bytes.push_back(RandomQ8_0(rows, cols, rng));
    ws.push_back({GgmlType::kQ8_0, rows, cols, bytes.back()});
  }
  for (size_t threads : {1u, 2u, 5u}) {
    ThreadPool pool(threads);
    for (size_t count : {1u, 5u}) {
      std::vector<float> x(count * cols);
      for (float& v : x) v = normal(rng);
      std::vector<std::vector<float>> got, want;
      std::vector<Product> products;
      for (const auto& w : ws) {
        got.emplace_back(count * w.rows);
        want.emplace_back(count * w.rows);
      }
      for (size_t i = 0; i < ws.size(); ++i) products.push_back({&ws[i], got[i].data()});
      MatMulShared(products, x.data(), count, pool);
      for (size_t i = 0; i < ws.size(); ++i) {
        MatMul(ws[i], x.data(), want[i].data(), count, pool);
        for (size_t k = 0; k < want[i].size(); ++k) {
          EXPECT_NEAR(got[i][k], want[i][k], 1e-4f * (1 + std::fabs(want[i][k])))
              << "threads " << threads << " count " << count << " matrix " << i << " at " << k;
        }
      }
    }
  }
}

TEST(MatVecFastTest, Avx2HalfKernelsAgreeWithTheReferenceOnOddShapes) {
  if (!HaveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::mt19937 rng(9);
  std::normal_distribution<float> normal;
  ThreadPool pool(2);
  for (GgmlType type : {GgmlType::kF16, GgmlType::kBF16}) {
    for (size_t rows : {1u, 5u, 33u}) {
      for (size_t cols : {1u, 7u, 8u, 9u, 64u, 1003u}) {
        std::vector<uint8_t> bytes;
        for (size_t i = 0; i < rows * cols; ++i) {
          float v = normal(rng);
          uint16_t h = type == GgmlType::kF16 ? FloatToF16(v) : FloatToBf16(v);
          bytes.push_back(static_cast<uint8_t>(h & 0xFF));
          bytes.push_back(static_cast<uint8_t>(h >> 8));
        }
        std::vector<float> x(cols);
        for (float& v : x) v = normal(rng);
        WeightMatrix w{type, rows, cols, bytes};
        std::vector<float> want(rows), got(rows);
        MatVecReference(w, x.data(), want.data());
        MatVec(w, x.data(), got.data(), pool);
        for (size_t r = 0; r < rows; ++r) {
          EXPECT_NEAR(got[r], want[r], 1e-4f * (1 + std::sqrt(static_cast<float>(cols))))
              << model::GgmlTypeName(type) << " " << rows << "x" << cols << " row " << r;
        }
      }
    }
  }
}

TEST(MatVecFastTest, OtherTypesUseTheReferenceOnEveryThread) {
  std::vector<float> values(5 * 64);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 11) - 5;
  std::vector<uint8_t> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  WeightMatrix w{GgmlType::kF32, 5, 64, bytes};
  std::vector<float> x(64, 0.5f), want(5), got(5);
  MatVecReference(w, x.data(), want.data());
  ThreadPool pool(4);
  MatVec(w, x.data(), got.data(), pool);
  EXPECT_EQ(got, want);
}

TEST(ThreadPoolTest, RangesCoverTheLoopExactlyOnce) {
  for (size_t threads : {1u, 2u, 5u}) {
    ThreadPool pool(threads);
    for (size_t n : {0u, 1u, 3u, 100u, 1001u}) {
      std::vector<int> hits(n, 0);
      for (int round = 0; round < 20; ++round) {
        pool.ParallelFor(n, [&](size_t begin, size_t end) {
          for (size_t i = begin; i < end; ++i) ++hits[i];
        });
      }
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i], 20) << threads << " threads, n=" << n;
    }
  }
}

}  // namespace
}  // namespace bastion::engine
