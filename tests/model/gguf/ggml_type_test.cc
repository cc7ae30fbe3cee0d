// The ggml type table: block layouts (from ggml-common.h), names, and tensor sizes.
#include "model/gguf/ggml_type.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace bastion::model {
namespace {

struct Expected {
  GgmlType type;
  const char* name;
  uint32_t block_elements;
  uint32_t block_bytes;
};

TEST(GgufTypeTableTest, BlockLayoutsMatchGgml) {
  const Expected kExpected[] = {
      {GgmlType::kF32, "F32", 1, 4},       {GgmlType::kF16, "F16", 1, 2},
      {GgmlType::kQ4_0, "Q4_0", 32, 18},   {GgmlType::kQ4_1, "Q4_1", 32, 20},
      {GgmlType::kQ5_0, "Q5_0", 32, 22},   {GgmlType::kQ5_1, "Q5_1", 32, 24},
      {GgmlType::kQ8_0, "Q8_0", 32, 34},   {GgmlType::kQ8_1, "Q8_1", 32, 36},
      {GgmlType::kQ2_K, "Q2_K", 256, 84},  {GgmlType::kQ3_K, "Q3_K", 256, 110},
      {GgmlType::kQ4_K, "Q4_K", 256, 144}, {GgmlType::kQ5_K, "Q5_K", 256, 176},
      {GgmlType::kQ6_K, "Q6_K", 256, 210}, {GgmlType::kQ8_K, "Q8_K", 256, 292},
      {GgmlType::kI8, "I8", 1, 1},         {GgmlType::kI16, "I16", 1, 2},
      {GgmlType::kI32, "I32", 1, 4},       {GgmlType::kI64, "I64", 1, 8},
      {GgmlType::kF64, "F64", 1, 8},       {GgmlType::kBF16, "BF16", 1, 2},
  };
  for (const Expected& e : kExpected) {
    EXPECT_EQ(GgmlTypeName(e.type), e.name);
    GgmlBlockLayout layout = GgmlLayout(e.type);
    EXPECT_EQ(layout.block_elements, e.block_elements) << e.name;
    EXPECT_EQ(layout.block_bytes, e.block_bytes) << e.name;
  }
}

TEST(GgufTypeTableTest, UnsupportedAndUnknownCodesHaveNoLayout) {
  for (uint32_t code : {4u, 5u, 16u, 19u, 23u, 29u, 31u, 34u, 39u, 40u, 1000u, 0xffffffffu}) {
    EXPECT_FALSE(GgmlLayout(code).has_value()) << code;
  }
  EXPECT_EQ(GgmlTypeName(16), "IQ2_XXS");
  EXPECT_EQ(GgmlTypeName(39), "MXFP4");
  EXPECT_EQ(GgmlTypeName(40), "unknown");
  EXPECT_EQ(GgmlTypeName(0xffffffffu), "unknown");
}

TEST(GgufTypeTableTest, TensorSizes) {
  auto size = [](GgmlType t, std::vector<uint64_t> dims) {
    return GgmlTensorBytes(static_cast<uint32_t>(t), dims);
  };
  EXPECT_EQ(size(GgmlType::kF32, {64, 512})->bytes, 64u * 512 * 4);
  EXPECT_EQ(size(GgmlType::kF32, {64, 512})->elements, 64u * 512);
  EXPECT_EQ(size(GgmlType::kQ8_0, {64, 3})->bytes, 2u * 3 * 34);
  EXPECT_EQ(size(GgmlType::kQ4_0, {4096, 4096})->bytes, 4096u * 128 * 18);
  EXPECT_EQ(size(GgmlType::kQ4_K, {256, 2, 3})->bytes, 6u * 144);
  EXPECT_EQ(size(GgmlType::kQ6_K, {512, 1, 1, 2})->bytes, 4u * 210);
  EXPECT_EQ(size(GgmlType::kBF16, {3, 5})->bytes, 30u);
}

TEST(GgufTypeTableTest, TensorSizeRefusals) {
  auto error = [](uint32_t code, std::vector<uint64_t> dims) {
    auto r = GgmlTensorBytes(code, dims);
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_EQ(error(16, {256}), "ggml type IQ2_XXS (16) is not supported");
  EXPECT_EQ(error(99, {256}), "unknown ggml type 99");
  EXPECT_EQ(error(0, {}), "0 dimensions (expected 1 to 4)");
  EXPECT_EQ(error(0, {1, 1, 1, 1, 1}), "5 dimensions (expected 1 to 4)");
  EXPECT_EQ(error(0, {4, 0}), "dimension 1 is 0");
  EXPECT_EQ(error(0, {1ull << 32, 1ull << 32}), "the element count overflows at dimension 1");
  EXPECT_EQ(error(0, {1ull << 62, 2}), "the element count overflows at dimension 1")
      << "2^63 elements exceed ggml's int64 element count";
  EXPECT_EQ(error(8, {33}), "dimension 0 (33) is not a multiple of the Q8_0 block size 32");
  EXPECT_EQ(error(12, {128, 2}), "dimension 0 (128) is not a multiple of the Q4_K block size 256");
  // Element count fits int64 but the byte size does not fit uint64.
  EXPECT_EQ(error(0, {1ull << 62}), "the byte size overflows");
}

}  // namespace
}  // namespace bastion::model
