// The packed Q8_0 layout against the row-major one: rows read back the same, and the VNNI
// kernels agree with the reference on the rounded activations for every batch size, whatever
// row ranges the thread pool hands out.
#include "engine/kernels/q8_0_packed.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/kernels/random_q8_0.h"

namespace bastion::engine {
namespace {

using model::GgmlType;

// `w`'s bytes packed, and the matrix that reads them.
struct Packed {
  std::vector<uint8_t> bytes;
  WeightMatrix w;
};
Packed Pack(const WeightMatrix& w) {
  Packed p{std::vector<uint8_t>(w.data.size()), w};
  PackQ8_0Groups(w, 0, w.rows / kPackedQ8_0Rows, p.bytes.data());
  p.w.data = p.bytes;
  p.w.layout = WeightLayout::kQ8_0x16;
  return p;
}

// x rounded as the 8-bit kernels see it.
std::vector<float> Rounded(std::span<const float> x) {
  QuantizedVector q;
  QuantizeQ8(x, q);
  std::vector<float> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = q.scales[i / 32] * q.values[i];
  return out;
}

TEST(PackedQ8_0Test, OnlyQ8_0WithWholeGroupsPacks) {
  std::vector<uint8_t> bytes(32 * 34);
  EXPECT_TRUE(CanPackQ8_0({GgmlType::kQ8_0, 32, 32, bytes}));
  EXPECT_FALSE(CanPackQ8_0({GgmlType::kQ8_0, 24, 32, bytes}));  // not a multiple of 16 rows
  EXPECT_FALSE(CanPackQ8_0({GgmlType::kQ4_0, 32, 32, bytes}));
  EXPECT_FALSE(CanPackQ8_0({GgmlType::kQ8_0, 32, 32, bytes, WeightLayout::kQ8_0x16}));
}

TEST(PackedQ8_0Test, RowsReadBackAsTheyWere) {
  std::mt19937 rng(3);
  for (size_t rows : {16u, 48u}) {
    for (size_t cols : {32u, 96u, 1536u}) {
      auto bytes = RandomQ8_0(rows, cols, rng);
      WeightMatrix w{GgmlType::kQ8_0, rows, cols, bytes};
      Packed p = Pack(w);
      std::vector<float> want(cols), got(cols);
      for (size_t r = 0; r < rows; ++r) {
        DequantizeRow(w, r, want.data());
        DequantizeRow(p.w, r, got.data());
        ASSERT_EQ(got, want) << rows << "x" << cols << " row " << r;
      }
      // The reference product reads packed rows too, so it stays the yardstick.
      std::vector<float> x(cols, 0.5f), y_rows(rows), y_packed(rows);
      MatVecReference(w, x.data(), y_rows.data());
      MatVecReference(p.w, x.data(), y_packed.data());
      EXPECT_EQ(y_packed, y_rows);
    }
  }
}

TEST(PackedQ8_0Test, ProductsAreExactOnTheRoundedActivations) {
  if (!HaveVnni()) GTEST_SKIP() << "no AVX-512 VNNI on this CPU";
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  ThreadPool pool(2);
  for (size_t rows : {16u, 48u}) {
    for (size_t cols : {32u, 96u, 1056u}) {
      auto bytes = RandomQ8_0(rows, cols, rng);
      WeightMatrix w{GgmlType::kQ8_0, rows, cols, bytes};
      Packed p = Pack(w);
      // 1 to 19 vectors: every tile width of the kernel, alone and after full tiles.
      for (size_t count = 1; count < 20; ++count) {
        std::vector<float> x(count * cols), got(count * rows), want(rows);
        for (float& v : x) v = normal(rng);
        std::fill(x.begin(), x.begin() + 32, 0.0f);  // an all-zero block has scale 0
        MatMul(p.w, x.data(), got.data(), count, pool);
        for (size_t b = 0; b < count; ++b) {
          auto rounded = Rounded(std::span<const float>(x.data() + b * cols, cols));
          MatVecReference(w, rounded.data(), want.data());
          for (size_t r = 0; r < rows; ++r) {
            ASSERT_NEAR(got[b * rows + r], want[r], 1e-4f * (1 + std::fabs(want[r])))
                << rows << "x" << cols << " count " << count << " vector " << b << " row " << r;
          }
        }
      }
      // One vector through MatVec takes the same kernel.
      std::vector<float> x(cols), got(rows), want(rows);
      for (float& v : x) v = normal(rng);
      MatVec(p.w, x.data(), got.data(), pool);
      MatVecReference(w, Rounded(x).data(), want.data());
      for (size_t r = 0; r < rows; ++r)
        EXPECT_NEAR(got[r], want[r], 1e-4f * (1 + std::fabs(want[r])));
    }
  }
}

TEST(PackedQ8_0Test, SharedProductsSplitAnywhereMatchSeparateOnes) {
  if (!HaveVnni()) GTEST_SKIP() << "no AVX-512 VNNI on this CPU";
  // 48 packed + 13 row-major + 32 packed rows on three threads: the pool's ranges (31, 31, 31)
  // start inside groups, which must still be computed exactly once.
  std::mt19937 rng(11);
  std::normal_distribution<float> normal;
  ThreadPool pool(3);
  const size_t cols = 64, count = 5;
  auto a_bytes = RandomQ8_0(48, cols, rng), b_bytes = RandomQ8_0(13, cols, rng),
       c_bytes = RandomQ8_0(32, cols, rng);
  Packed a = Pack({GgmlType::kQ8_0, 48, cols, a_bytes});
  WeightMatrix b{GgmlType::kQ8_0, 13, cols, b_bytes};
  Packed c = Pack({GgmlType::kQ8_0, 32, cols, c_bytes});
  std::vector<float> x(count * cols);
  for (float& v : x) v = normal(rng);
  std::vector<float> ya(count * 48, NAN), yb(count * 13, NAN), yc(count * 32, NAN);
  const Product products[] = {{&a.w, ya.data()}, {&b, yb.data()}, {&c.w, yc.data()}};
  MatMulShared(products, x.data(), count, pool);
  for (const auto& [w, y] : {std::pair{&a.w, &ya}, std::pair{&b, &yb}, std::pair{&c.w, &yc}}) {
    std::vector<float> want(count * w->rows);
    MatMul(*w, x.data(), want.data(), count, pool);
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_NEAR((*y)[i], want[i], 1e-4f * (1 + std::fabs(want[i]))) << w->rows << " rows, " << i;
    }
  }
}

}  // namespace
}  // namespace bastion::engine
