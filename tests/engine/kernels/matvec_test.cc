#include "engine/kernels/matvec.h"

#include <gtest/gtest.h>

#include <cstring>

#include "engine/kernels/half.h"

namespace bastion::engine {
namespace {

using model::GgmlType;

void Put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v & 0xFF));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

TEST(MatVecTest, Q8_0BlockIsScaleTimesInt8) {
  std::vector<uint8_t> block;
  Put16(block, FloatToF16(0.5f));
  for (int i = 0; i < 32; ++i) block.push_back(static_cast<uint8_t>(static_cast<int8_t>(i - 16)));
  WeightMatrix w{GgmlType::kQ8_0, 1, 32, block};
  std::vector<float> row(32);
  DequantizeRow(w, 0, row.data());
  for (int i = 0; i < 32; ++i) EXPECT_EQ(row[i], 0.5f * (i - 16));
}

TEST(MatVecTest, Q4_0LowNibblesFirstThenHigh) {
  std::vector<uint8_t> block;
  Put16(block, FloatToF16(2.0f));
  for (int i = 0; i < 16; ++i) block.push_back(static_cast<uint8_t>((i & 0xF) | ((15 - i) << 4)));
  WeightMatrix w{GgmlType::kQ4_0, 1, 32, block};
  std::vector<float> row(32);
  DequantizeRow(w, 0, row.data());
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(row[i], 2.0f * (i - 8));
    EXPECT_EQ(row[i + 16], 2.0f * (15 - i - 8));
  }
}

TEST(MatVecTest, RowsTimesVectorInEveryType) {
  // 2 x 32 matrix with small integers: exact in every type.
  std::vector<float> values(64);
  for (int i = 0; i < 64; ++i) values[i] = static_cast<float>((i % 7) - 3);
  std::vector<float> x(32, 1.0f);
  float want[2] = {0, 0};
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 32; ++c) want[r] += values[r * 32 + c];
  }
  std::vector<uint8_t> f32(64 * 4), f16, bf16;
  std::memcpy(f32.data(), values.data(), f32.size());
  for (float v : values) {
    Put16(f16, FloatToF16(v));
    Put16(bf16, FloatToBf16(v));
  }
  for (auto [type, data] : {std::pair{GgmlType::kF32, &f32}, std::pair{GgmlType::kF16, &f16},
                            std::pair{GgmlType::kBF16, &bf16}}) {
    WeightMatrix w{type, 2, 32, *data};
    float y[2];
    MatVecReference(w, x.data(), y);
    EXPECT_EQ(y[0], want[0]) << model::GgmlTypeName(type);
    EXPECT_EQ(y[1], want[1]) << model::GgmlTypeName(type);
  }
}

TEST(MatVecTest, TypesWithoutAKernelAreRefusedByName) {
  EXPECT_TRUE(CheckMatVecType(GgmlType::kQ8_0).ok());
  Status st = CheckMatVecType(GgmlType::kQ2_K);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("Q2_K"), std::string::npos);
}

}  // namespace
}  // namespace bastion::engine
