#include "engine/tokenizer/pre_tokenizer.h"

#include <gtest/gtest.h>

namespace bastion::engine {
namespace {

std::vector<std::string> Split(PreTokenizerKind kind, std::string_view text) {
  auto pre = PreTokenizer::Create(kind);
  EXPECT_TRUE(pre.ok()) << pre.status().ToString();
  std::vector<std::string_view> pieces;
  pre->Split(text, pieces);
  std::string joined;
  for (auto p : pieces) joined += p;
  EXPECT_EQ(joined, text) << "pieces must cover the text exactly";
  return {pieces.begin(), pieces.end()};
}

using V = std::vector<std::string>;

TEST(PreTokenizerTest, Qwen2SplitsWordsPunctuationAndSingleDigits) {
  EXPECT_EQ(Split(PreTokenizerKind::kQwen2, "Hello, world! 2024"),
            (V{"Hello", ",", " world", "!", " ", "2", "0", "2", "4"}));
  EXPECT_EQ(Split(PreTokenizerKind::kQwen2, "I've 'RE"), (V{"I", "'ve", " '", "RE"}));
}

TEST(PreTokenizerTest, Llama3KeepsDigitsInRunsOfThree) {
  EXPECT_EQ(Split(PreTokenizerKind::kLlama3, "1234567"), (V{"123", "456", "7"}));
}

TEST(PreTokenizerTest, WhitespaceRunsLeaveTheLastSpaceToTheNextWord) {
  EXPECT_EQ(Split(PreTokenizerKind::kQwen2, "a   b"), (V{"a", "  ", " b"}));
  EXPECT_EQ(Split(PreTokenizerKind::kQwen2, "a\n\n b"), (V{"a", "\n\n", " b"}));
  EXPECT_EQ(Split(PreTokenizerKind::kQwen2, "   "), (V{"   "}));
}

TEST(PreTokenizerTest, UnicodeLettersAndCjk) {
  EXPECT_EQ(Split(PreTokenizerKind::kQwen2, "Führer 我想在apple"), (V{"Führer", " 我想在apple"}));
}

TEST(PreTokenizerTest, InvalidUtf8BecomesItsOwnPiecesAndNothingIsLost) {
  auto pieces = Split(PreTokenizerKind::kQwen2, "ab\xFF\xFE cd\xC3");
  EXPECT_EQ(pieces.front(), "ab");
  EXPECT_EQ(pieces.back(), "\xC3");
}

TEST(PreTokenizerTest, UnknownNamesAreRefusedWithTheSupportedList) {
  auto kind = PreTokenizerKindFromName("gpt-4o");
  ASSERT_FALSE(kind.ok());
  EXPECT_NE(kind.status().message().find("deepseek-r1-qwen"), std::string::npos);
  EXPECT_EQ(*PreTokenizerKindFromName("deepseek-r1-qwen"), PreTokenizerKind::kQwen2);
  EXPECT_EQ(*PreTokenizerKindFromName("llama-bpe"), PreTokenizerKind::kLlama3);
}

}  // namespace
}  // namespace bastion::engine
