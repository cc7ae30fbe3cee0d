#include "common/base64.h"

#include <gtest/gtest.h>

namespace bastion {
namespace {

TEST(Base64Test, EncodesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
}

TEST(Base64Test, LenientDecodingTakesBothAlphabetsAndOptionalPadding) {
  EXPECT_EQ(Base64DecodeLenient("Zm9vYmFy"), "foobar");
  EXPECT_EQ(Base64DecodeLenient("Zg"), "f");
  EXPECT_EQ(Base64DecodeLenient("Zg==trailing ignored"), "f");
  EXPECT_EQ(Base64DecodeLenient("+/8"), "\xfb\xff");
  EXPECT_EQ(Base64DecodeLenient("-_8"), "\xfb\xff");
  EXPECT_EQ(Base64DecodeLenient(""), "");
}

TEST(Base64Test, LenientDecodingRejectsOtherBytes) {
  EXPECT_EQ(Base64DecodeLenient("Zm9v YmFy"), std::nullopt);
  EXPECT_EQ(Base64DecodeLenient("Zm9v!"), std::nullopt);
  EXPECT_EQ(Base64DecodeLenient("Zm9v\n"), std::nullopt);
}

}  // namespace
}  // namespace bastion
