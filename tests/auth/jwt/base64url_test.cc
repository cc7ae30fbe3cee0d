#include "auth/jwt/base64url.h"

#include <gtest/gtest.h>

namespace bastion::auth {
namespace {

Result<std::string> Decode(std::string_view text, size_t max_bytes = 1024) {
  return DecodeBase64Url(text, max_bytes, "the test text");
}

TEST(Base64UrlTest, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 70; ++i) {
    const std::string encoded = EncodeBase64Url(bytes);
    EXPECT_EQ(encoded.find('='), std::string::npos);
    auto decoded = Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, bytes);
    bytes.push_back(static_cast<char>(i * 37 + 250));
  }
}

TEST(Base64UrlTest, UsesTheUrlAlphabet) {
  EXPECT_EQ(EncodeBase64Url("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(*Decode("-_-_"), "\xfb\xff\xbf");
  EXPECT_EQ(*Decode("eyJhIjoxfQ"), "{\"a\":1}");
}

TEST(Base64UrlTest, RefusesPaddingAndForeignCharacters) {
  EXPECT_FALSE(Decode("eyJhIjoxfQ==").ok());
  EXPECT_FALSE(Decode("+/+/").ok());
  EXPECT_FALSE(Decode("ab cd").ok());
  EXPECT_FALSE(Decode("abc\n").ok());
  EXPECT_FALSE(Decode(std::string_view("ab\0c", 4)).ok());
  EXPECT_FALSE(Decode("abc.").ok());
}

TEST(Base64UrlTest, RefusesImpossibleLengthsAndNonCanonicalTails) {
  EXPECT_FALSE(Decode("a").ok());
  EXPECT_FALSE(Decode("abcde").ok());
  EXPECT_TRUE(Decode("QQ").ok());   // "A"
  EXPECT_FALSE(Decode("QR").ok());  // same byte, non-zero unused bits
  EXPECT_TRUE(Decode("QUE").ok());  // "AA"
  EXPECT_FALSE(Decode("QUF").ok());
}

TEST(Base64UrlTest, BoundsTheDecodedSize) {
  EXPECT_TRUE(Decode("QUFB", 3).ok());
  auto refused = Decode("QUFBQQ", 3);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("longer than 3 bytes"), std::string::npos);
}

TEST(Base64UrlTest, ErrorsNeverQuoteTheText) {
  auto refused = Decode("c2VjcmV0LXRva2Vu=");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message().find("c2VjcmV0"), std::string::npos);
  EXPECT_NE(refused.status().message().find("the test text"), std::string::npos);
}

TEST(Base64UrlTest, RecognizesTheAlphabet) {
  EXPECT_TRUE(IsBase64UrlText("abcXYZ019-_"));
  EXPECT_TRUE(IsBase64UrlText(""));
  EXPECT_FALSE(IsBase64UrlText("abc="));
  EXPECT_FALSE(IsBase64UrlText("a+b"));
}

}  // namespace
}  // namespace bastion::auth
