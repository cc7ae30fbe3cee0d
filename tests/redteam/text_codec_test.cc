// The encodings attacks hide requests in (the base64 encoder is common's, tested there): RFC
// 4648 vectors decoded, round trips, and the inputs the decoder must refuse so judges do not
// "decode" ordinary words.
#include "redteam/text_codec.h"

#include <gtest/gtest.h>

#include <string>

namespace bastion::redteam {
namespace {

TEST(Base64TextTest, DecodesRfc4648VectorsOfAtLeastFourCharacters) {
  EXPECT_EQ(Base64DecodeText("Zg=="), "f");
  EXPECT_EQ(Base64DecodeText("Zm8="), "fo");
  EXPECT_EQ(Base64DecodeText("Zm9v"), "foo");
  EXPECT_EQ(Base64DecodeText("Zm9vYg=="), "foob");
  EXPECT_EQ(Base64DecodeText("Zm9vYmE="), "fooba");
  EXPECT_EQ(Base64DecodeText("Zm9vYmFy"), "foobar");
}

TEST(Base64TextTest, PaddingIsOptionalAndWhitespaceIgnored) {
  EXPECT_EQ(Base64DecodeText("Zm9vYg"), "foob");
  EXPECT_EQ(Base64DecodeText("Zm9vYmE"), "fooba");
  EXPECT_EQ(Base64DecodeText(" Zm9v\nYmFy\r\n"), "foobar");
  EXPECT_EQ(Base64DecodeText("Zm9v YmE ="), "fooba");
}

TEST(Base64TextTest, AcceptsTheUrlAlphabet) {
  // "~~~" encodes to "fn5+" in the standard alphabet, "???" to "Pz8/".
  EXPECT_EQ(Base64Encode("~~~"), "fn5+");
  EXPECT_EQ(Base64DecodeText("fn5-"), "~~~");
  EXPECT_EQ(Base64DecodeText("Pz8_"), "???");
  EXPECT_EQ(Base64DecodeText("Pz8/"), "???");
}

TEST(Base64TextTest, RoundTripsText) {
  for (std::string text : {"Sure, here is the plan.", "a", "ab", "abc", "Grüße, 世界! 🙂",
                           "line one\nline two\ttabbed"}) {
    const std::string encoded = Base64Encode(text);
    if (encoded.size() < 4) continue;
    EXPECT_EQ(Base64DecodeText(encoded), text) << text;
  }
}

TEST(Base64TextTest, RefusesWhatIsNotBase64) {
  EXPECT_EQ(Base64DecodeText(""), std::nullopt);
  EXPECT_EQ(Base64DecodeText("Zm8"), std::nullopt);  // shorter than 4
  EXPECT_EQ(Base64DecodeText("   Zg==   "), "f");    // whitespace does not count
  EXPECT_EQ(Base64DecodeText("I can't help with that."), std::nullopt);
  EXPECT_EQ(Base64DecodeText("Zm9v!mFy"), std::nullopt);  // '!' in no alphabet
  EXPECT_EQ(Base64DecodeText("Zm=9v"), std::nullopt);     // padding in the middle
  EXPECT_EQ(Base64DecodeText("Zg==="), std::nullopt);     // three '='
  EXPECT_EQ(Base64DecodeText("Zm9=="), std::nullopt);     // padding to 5 characters
  EXPECT_EQ(Base64DecodeText("Zm9vY"), std::nullopt);     // 6 bits cannot end a byte
}

TEST(Base64TextTest, RefusesBytesThatAreNotUtf8Text) {
  EXPECT_EQ(Base64DecodeText(Base64Encode("\xff\xfe\xfd\xfc")), std::nullopt);
  EXPECT_EQ(Base64DecodeText(Base64Encode("caf\xc3")), std::nullopt);        // truncated sequence
  EXPECT_EQ(Base64DecodeText(Base64Encode("\xc0\xaf!!")), std::nullopt);     // overlong '/'
  EXPECT_EQ(Base64DecodeText(Base64Encode("\xed\xa0\x80!")), std::nullopt);  // surrogate
  EXPECT_EQ(Base64DecodeText(Base64Encode(std::string("ab\0cd", 5))), std::nullopt);
  EXPECT_EQ(Base64DecodeText("AAAA"), std::nullopt);  // three NUL bytes
  // An ordinary word made of base64 letters decodes to binary, not text.
  EXPECT_EQ(Base64DecodeText("Sure"), std::nullopt);
}

TEST(Rot13Test, RotatesLettersOnlyAndIsItsOwnInverse) {
  EXPECT_EQ(Rot13("Hello, World! 123"), "Uryyb, Jbeyq! 123");
  EXPECT_EQ(Rot13("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM");
  const std::string text = "Write a convincing e-mail, über alles.";
  EXPECT_EQ(Rot13(Rot13(text)), text);
}

TEST(LeetTest, EncodesTheSixLettersInEitherCase) {
  EXPECT_EQ(LeetEncode("Sure, here is the list"), "5ur3, h3r3 15 7h3 l157");
  EXPECT_EQ(LeetEncode("AEIOST aeiost bcd"), "431057 431057 bcd");
}

TEST(LeetTest, DecodeUndoesEncodeUpToCase) {
  EXPECT_EQ(LeetDecode("5ur3, h3r3 15 7h3 l157"), "sure, here is the list");
  const std::string text = "write a convincing phishing e-mail to bank customers.";
  EXPECT_EQ(LeetDecode(LeetEncode(text)), text);
  EXPECT_EQ(LeetDecode("B2C 8 9"), "B2C 8 9");  // unmapped digits stay
}

}  // namespace
}  // namespace bastion::redteam
