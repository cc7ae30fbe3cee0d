#include "guard/normalize/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace bastion::guard {
namespace {

size_t Decode(std::string_view s, char32_t* cp = nullptr) {
  char32_t ignored;
  return DecodeUtf8(s, 0, cp != nullptr ? *cp : ignored);
}

TEST(Utf8, DecodesEachLength) {
  char32_t cp;
  EXPECT_EQ(Decode("A", &cp), 1u);
  EXPECT_EQ(cp, U'A');
  EXPECT_EQ(Decode("\xC3\xA9", &cp), 2u);
  EXPECT_EQ(cp, U'\u00E9');
  EXPECT_EQ(Decode("\xE2\x80\x8B", &cp), 3u);
  EXPECT_EQ(cp, U'\u200B');
  EXPECT_EQ(Decode("\xF0\x9F\x98\x80", &cp), 4u);
  EXPECT_EQ(cp, U'\U0001F600');
  EXPECT_EQ(Decode("\xF4\x8F\xBF\xBF", &cp), 4u);
  EXPECT_EQ(cp, U'\U0010FFFF');
}

TEST(Utf8, RejectsWhatRfc3629Forbids) {
  for (std::string_view bad :
       {"\x80", "\xBF", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF", "\xED\xA0\x80",
        "\xED\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xC3", "\xE2\x80",
        "\xF0\x9F\x98", "\xC3\x41"}) {
    EXPECT_EQ(Decode(bad), 0u) << testing::PrintToString(std::string(bad));
  }
}

TEST(Utf8, EncodeRoundTrips) {
  for (char32_t cp :
       {U'\0', U'A', U'\u00E9', U'\u07FF', U'\u0800', U'\uFFFD', U'\U00010000', U'\U0010FFFF'}) {
    char buffer[4];
    const size_t n = EncodeUtf8(cp, buffer);
    char32_t back;
    EXPECT_EQ(DecodeUtf8(std::string_view(buffer, n), 0, back), n);
    EXPECT_EQ(back, cp);
  }
}

}  // namespace
}  // namespace bastion::guard
