#include "engine/kernels/half.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace bastion::engine {
namespace {

TEST(HalfTest, EveryF16RoundTripsThroughFloat) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    float f = F16ToFloat(static_cast<uint16_t>(h));
    if (std::isnan(f)) continue;
    EXPECT_EQ(FloatToF16(f), h) << std::hex << h;
  }
}

TEST(HalfTest, F16KnownValuesAndRounding) {
  EXPECT_EQ(F16ToFloat(0x3C00), 1.0f);
  EXPECT_EQ(F16ToFloat(0xC000), -2.0f);
  EXPECT_EQ(F16ToFloat(0x7BFF), 65504.0f);
  EXPECT_EQ(F16ToFloat(0x0001), 0x1.0p-24f);         // smallest subnormal
  EXPECT_EQ(FloatToF16(1e6f), 0x7C00);               // overflow: infinity
  EXPECT_EQ(FloatToF16(1.0f + 0x1.0p-11f), 0x3C00);  // halfway: to even
  EXPECT_EQ(FloatToF16(1.0f + 0x1.8p-11f), 0x3C01);
  EXPECT_TRUE(std::isnan(F16ToFloat(FloatToF16(std::numeric_limits<float>::quiet_NaN()))));
}

TEST(HalfTest, Bf16IsTheTopHalfRoundedToEven) {
  EXPECT_EQ(Bf16ToFloat(0x3F80), 1.0f);
  EXPECT_EQ(FloatToBf16(1.0f), 0x3F80);
  EXPECT_EQ(FloatToBf16(1.0f + 0x1.0p-8f), 0x3F80);  // halfway: to even
  EXPECT_EQ(FloatToBf16(1.0f + 0x1.8p-8f), 0x3F81);
  for (uint32_t h = 0; h < 0x10000; h += 7) {
    float f = Bf16ToFloat(static_cast<uint16_t>(h));
    if (!std::isnan(f)) {
      EXPECT_EQ(FloatToBf16(f), h);
    }
  }
}

}  // namespace
}  // namespace bastion::engine
