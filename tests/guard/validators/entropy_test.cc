#include "guard/validators/entropy.h"

#include <gtest/gtest.h>

namespace bastion::guard {
namespace {

TEST(EntropyTest, UniformAndConstantTexts) {
  EXPECT_EQ(ShannonEntropy(""), 0.0);
  EXPECT_EQ(ShannonEntropy("aaaaaaaa"), 0.0);
  EXPECT_NEAR(ShannonEntropy("ab"), 1.0, 1e-12);
  EXPECT_NEAR(ShannonEntropy("abcdefgh"), 3.0, 1e-12);
  EXPECT_NEAR(ShannonEntropy("aabb"), 1.0, 1e-12);
}

TEST(EntropyTest, RandomTokensScoreAboveWords) {
  EXPECT_GT(ShannonEntropy("q8ZfR2mLw0XkT7bNc4Ye"), 4.0);
  EXPECT_LT(ShannonEntropy("password"), 3.0);
}

TEST(EntropyTest, HighBytesCount) { EXPECT_NEAR(ShannonEntropy("\xff\xfe"), 1.0, 1e-12); }

}  // namespace
}  // namespace bastion::guard
