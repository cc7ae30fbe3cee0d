#include "engine/tokenizer/bpe_tokenizer.h"

#include <gtest/gtest.h>

#include "engine/tokenizer/byte_level.h"

namespace bastion::engine {
namespace {

// A toy byte-level vocabulary: the 256 byte characters, then merged tokens and specials.
Vocab ToyVocab() {
  Vocab v;
  v.model = "gpt2";
  v.pre = "qwen2";
  for (int b = 0; b < 256; ++b) {
    std::string ch;
    AppendByteLevel(std::string(1, static_cast<char>(b)), ch);
    v.tokens.push_back(ch);
  }
  for (const char* t : {"he", "ll", "hell", "hello", "Ġw", "Ġwo", "or", "Ġwor"})
    v.tokens.push_back(t);
  v.merges = {"h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw o", "Ġw or"};
  v.types.assign(v.tokens.size(), TokenType::kNormal);
  v.tokens.push_back("<think>");
  v.types.push_back(TokenType::kUserDefined);
  v.tokens.push_back("<|user|>");
  v.types.push_back(TokenType::kControl);
  return v;
}

TokenId Id(const Vocab& v, std::string_view token) {
  for (size_t i = 0; i < v.tokens.size(); ++i) {
    if (v.tokens[i] == token) return static_cast<TokenId>(i);
  }
  ADD_FAILURE() << "no token " << token;
  return -1;
}

TEST(BpeTokenizerTest, MergesInRankOrder) {
  Vocab v = ToyVocab();
  auto t = BpeTokenizer::Create(v);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->Encode("hello", false), (std::vector<TokenId>{Id(v, "hello")}));
  // " wor": "Ġ w" (rank 4) first, then "o r" (rank 5) before "Ġw o" (rank 6): Ġw + or.
  EXPECT_EQ(t->Encode(" wor", false), (std::vector<TokenId>{Id(v, "Ġwor")}));
  EXPECT_EQ(t->Encode("hellx", false), (std::vector<TokenId>{Id(v, "hell"), Id(v, "x")}));
}

TEST(BpeTokenizerTest, UserDefinedTokensAlwaysMatchControlTokensOnlyWhenAsked) {
  Vocab v = ToyVocab();
  auto t = BpeTokenizer::Create(v);
  ASSERT_TRUE(t.ok());
  auto plain = t->Encode("<|user|><think>", false);
  EXPECT_EQ(plain.back(), Id(v, "<think>"));
  EXPECT_GT(plain.size(), 2u) << "control text typed by a user stays plain text";
  auto special = t->Encode("<|user|><think>", true);
  EXPECT_EQ(special, (std::vector<TokenId>{Id(v, "<|user|>"), Id(v, "<think>")}));
}

TEST(BpeTokenizerTest, DecodeGivesBytesBackForEveryInput) {
  Vocab v = ToyVocab();
  auto t = BpeTokenizer::Create(v);
  ASSERT_TRUE(t.ok());
  for (std::string text : {std::string("hello world"), std::string("\xFF\xFE\x00 x", 5),
                           std::string("日本語 🦙 <think>"), std::string(5000, ' ')}) {
    std::string back;
    for (TokenId id : t->Encode(text, false)) back += t->Decode(id);
    EXPECT_EQ(back, text);
  }
}

TEST(BpeTokenizerTest, BrokenVocabulariesAreRefused) {
  Vocab v = ToyVocab();
  v.merges.push_back("x y");  // "xy" is not a token
  EXPECT_FALSE(BpeTokenizer::Create(v).ok());
  v = ToyVocab();
  v.model = "llama";
  EXPECT_FALSE(BpeTokenizer::Create(v).ok());
  v = ToyVocab();
  v.tokens.erase(v.tokens.begin());  // byte 0's character is missing
  v.types.erase(v.types.begin());
  EXPECT_FALSE(BpeTokenizer::Create(v).ok());
  v = ToyVocab();
  v.pre = "unheard-of";
  EXPECT_FALSE(BpeTokenizer::Create(v).ok());
}

}  // namespace
}  // namespace bastion::engine
