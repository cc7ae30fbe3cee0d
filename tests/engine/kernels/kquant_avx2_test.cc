#include "engine/kernels/kquant_avx2.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "engine/kernels/half.h"
#include "engine/kernels/matvec_fast.h"

namespace bastion::engine {
namespace {

using model::GgmlType;

void PutHalf(std::vector<uint8_t>& out, float v) {
  const uint16_t h = FloatToF16(v);
  out.push_back(static_cast<uint8_t>(h & 0xFF));
  out.push_back(static_cast<uint8_t>(h >> 8));
}

void PutRandomBytes(std::vector<uint8_t>& out, size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(byte(rng)));
}

// A random matrix as bytes: random quants, scales, mins and (Q4_0) scale signs, every bit
// pattern the layouts allow. After one spare byte, so that no row is aligned.
std::vector<uint8_t> RandomBlocks(GgmlType type, size_t rows, size_t cols, std::mt19937& rng) {
  std::uniform_real_distribution<float> scale(0.0005f, 0.01f);
  std::vector<uint8_t> bytes = {0};
  const size_t blocks = rows * cols / model::GgmlLayout(type).block_elements;
  for (size_t b = 0; b < blocks; ++b) {
    if (type == GgmlType::kQ4_0) {
      PutHalf(bytes, rng() % 2 ? scale(rng) : -scale(rng));
      PutRandomBytes(bytes, 16, rng);
    } else if (type == GgmlType::kQ4_K) {  // d, dmin, 12 bytes of scales and mins, quants
      PutHalf(bytes, scale(rng) / 8);
      PutHalf(bytes, scale(rng) / 8);
      PutRandomBytes(bytes, 12 + 128, rng);
    } else if (type == GgmlType::kQ6_K) {  // low nibbles, high bits, int8 scales, d
      PutRandomBytes(bytes, 128 + 64 + 16, rng);
      PutHalf(bytes, scale(rng) / 16);
    } else {  // Q8_0
      PutHalf(bytes, scale(rng));
      PutRandomBytes(bytes, 32, rng);
    }
  }
  return bytes;
}

struct RandomMatrix {
  RandomMatrix(GgmlType type, size_t rows, size_t cols, std::mt19937& rng)
      : bytes(RandomBlocks(type, rows, cols, rng)),
        w{type, rows, cols, std::span<const uint8_t>(bytes).subspan(1)} {}
  // A move keeps the buffer w.data points into; a copy would not.
  RandomMatrix(RandomMatrix&&) = default;
  RandomMatrix(const RandomMatrix&) = delete;
  std::vector<uint8_t> bytes;
  WeightMatrix w;
};

std::vector<float> RandomVectors(size_t count, size_t cols, std::mt19937& rng) {
  std::normal_distribution<float> normal;
  std::vector<float> x(count * cols);
  for (float& v : x) v = normal(rng);
  x[3] = 0;  // a zero and an all-zero block must not divide by zero
  if (x.size() >= 64) std::fill(x.begin() + 32, x.begin() + 64, 0.0f);
  return x;
}

// What the fast kernels compute: the reference product with each vector rounded to 8 bits.
std::vector<float> ReferenceOnRounded(const WeightMatrix& w, const float* x, size_t count) {
  std::vector<float> y(count * w.rows), rounded(w.cols);
  QuantizedVector xq;
  for (size_t b = 0; b < count; ++b) {
    QuantizeQ8(std::span<const float>(x + b * w.cols, w.cols), xq);
    for (size_t i = 0; i < w.cols; ++i)
      rounded[i] = xq.scales[i / 32] * static_cast<float>(xq.values[i]);
    MatVecReference(w, rounded.data(), y.data() + b * w.rows);
  }
  return y;
}

void ExpectNear(std::span<const float> got, std::span<const float> want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], 1e-4f * (1 + std::fabs(want[i]))) << what << " at " << i;
  }
}

std::string Name(const WeightMatrix& w) {
  return std::string(model::GgmlTypeName(w.type)) + " " + std::to_string(w.rows) + "x" +
         std::to_string(w.cols);
}

constexpr GgmlType kTypes[] = {GgmlType::kQ4_0, GgmlType::kQ4_K, GgmlType::kQ6_K};

TEST(KQuantAvx2Test, KernelsAreExactOnTheQuantizedActivations) {
  if (!HaveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::mt19937 rng(17);
  for (GgmlType type : kTypes) {
    for (size_t cols : {256u, 512u, 2048u}) {
      RandomMatrix m(type, 3, cols, rng);
      std::vector<float> x = RandomVectors(1, cols, rng);
      QuantizedVector xq;
      QuantizeQ8(x, xq);
      std::vector<float> want = ReferenceOnRounded(m.w, x.data(), 1), got;
      const size_t row_bytes = m.w.data.size() / m.w.rows;
      for (size_t r = 0; r < m.w.rows; ++r) {
        const uint8_t* row = m.w.data.data() + r * row_bytes;
        got.push_back(type == GgmlType::kQ4_0   ? DotQ4_0Avx2(row, xq, cols)
                      : type == GgmlType::kQ4_K ? DotQ4_KAvx2(row, xq, cols)
                                                : DotQ6_KAvx2(row, xq, cols));
      }
      ExpectNear(got, want, Name(m.w));
    }
  }
}

TEST(KQuantAvx2Test, Q4_0RowsOfAnyBlockCount) {
  // The kernel takes blocks four at a time: 1, 3, 5 and 33 blocks leave remainders.
  if (!HaveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::mt19937 rng(19);
  ThreadPool pool(2);
  for (size_t cols : {32u, 96u, 160u, 1056u}) {
    RandomMatrix m(GgmlType::kQ4_0, 5, cols, rng);
    std::vector<float> x = RandomVectors(1, cols, rng), got(m.w.rows);
    MatVec(m.w, x.data(), got.data(), pool);
    ExpectNear(got, ReferenceOnRounded(m.w, x.data(), 1), Name(m.w));
  }
}

TEST(KQuantAvx2Test, MatVecAndMatMulOnEveryShapeAndThreadCount) {
  if (!HaveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::mt19937 rng(23);
  for (size_t threads : {1u, 2u, 5u}) {
    ThreadPool pool(threads);
    for (GgmlType type : kTypes) {
      for (size_t cols : {256u, 512u, 2048u}) {
        for (size_t rows : {1u, 2u, 7u, 37u}) {
          RandomMatrix m(type, rows, cols, rng);
          const size_t count = 1 + rows % 6;  // 1 to 6 vectors
          std::vector<float> x = RandomVectors(count, cols, rng), got(rows * count);
          const std::vector<float> want = ReferenceOnRounded(m.w, x.data(), count);
          const std::string what = Name(m.w) + " threads " + std::to_string(threads);
          MatVec(m.w, x.data(), got.data(), pool);
          ExpectNear(std::span(got).first(rows), std::span(want).first(rows), what + " MatVec");
          MatMul(m.w, x.data(), got.data(), count, pool);
          ExpectNear(got, want, what + " MatMul of " + std::to_string(count));
        }
      }
    }
  }
}

TEST(KQuantAvx2Test, SharedInputProductsOfMixedTypes) {
  // A Q4_K_M layer: q and k in Q4_K, v in Q6_K; with a Q8_0 and a Q4_0 matrix in the same
  // call, counts of 1, 5 and 9 cover the four-vector Q8_0 kernel and its remainders.
  if (!HaveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::mt19937 rng(29);
  const size_t cols = 512;
  std::vector<RandomMatrix> ms;
  ms.emplace_back(GgmlType::kQ4_K, 12, cols, rng);
  ms.emplace_back(GgmlType::kQ4_K, 3, cols, rng);
  ms.emplace_back(GgmlType::kQ6_K, 3, cols, rng);
  ms.emplace_back(GgmlType::kQ8_0, 7, cols, rng);
  ms.emplace_back(GgmlType::kQ4_0, 5, cols, rng);
  for (size_t threads : {1u, 2u, 5u}) {
    ThreadPool pool(threads);
    for (size_t count : {1u, 5u, 9u}) {
      std::vector<float> x = RandomVectors(count, cols, rng);
      std::vector<std::vector<float>> got;
      std::vector<Product> products;
      for (const RandomMatrix& m : ms) got.emplace_back(count * m.w.rows);
      for (size_t i = 0; i < ms.size(); ++i) products.push_back({&ms[i].w, got[i].data()});
      MatMulShared(products, x.data(), count, pool);
      for (size_t i = 0; i < ms.size(); ++i) {
        ExpectNear(got[i], ReferenceOnRounded(ms[i].w, x.data(), count),
                   Name(ms[i].w) + " threads " + std::to_string(threads) + " count " +
                       std::to_string(count));
      }
    }
  }
}

TEST(KQuantAvx2Test, ReferenceFlagRunsTheExactKernels) {
  std::mt19937 rng(31);
  ThreadPool pool(3);
  for (GgmlType type : kTypes) {
    RandomMatrix a(type, 9, 512, rng), b(GgmlType::kQ4_K, 4, 512, rng);
    const size_t count = 5;
    std::vector<float> x = RandomVectors(count, 512, rng);
    std::vector<float> want_a(count * 9), want_b(count * 4), got_a(count * 9), got_b(count * 4);
    for (size_t i = 0; i < count; ++i) {
      MatVecReference(a.w, x.data() + i * 512, want_a.data() + i * 9);
      MatVecReference(b.w, x.data() + i * 512, want_b.data() + i * 4);
    }
    MatVec(a.w, x.data(), got_a.data(), pool, /*reference=*/true);
    EXPECT_EQ(std::vector<float>(got_a.begin(), got_a.begin() + 9),
              std::vector<float>(want_a.begin(), want_a.begin() + 9));
    MatMul(a.w, x.data(), got_a.data(), count, pool, /*reference=*/true);
    EXPECT_EQ(got_a, want_a);
    const Product products[] = {{&a.w, got_a.data()}, {&b.w, got_b.data()}};
    MatMulShared(products, x.data(), count, pool, /*reference=*/true);
    EXPECT_EQ(got_a, want_a);
    EXPECT_EQ(got_b, want_b);
  }
}

TEST(KQuantAvx2Test, QuantizedVectorSumsAreTheRoundedBlocks) {
  std::mt19937 rng(37);
  std::vector<float> x = RandomVectors(1, 256, rng);
  QuantizedVector xq;
  QuantizeQ8(x, xq);
  ASSERT_EQ(xq.sums.size(), 8u);
  for (size_t b = 0; b < 8; ++b) {
    int sum = 0;
    for (size_t i = 0; i < 32; ++i) sum += xq.values[b * 32 + i];
    EXPECT_EQ(xq.sums[b], xq.scales[b] * static_cast<float>(sum)) << "block " << b;
  }
}

}  // namespace
}  // namespace bastion::engine
