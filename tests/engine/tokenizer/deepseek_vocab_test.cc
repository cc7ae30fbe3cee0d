// Tokenization with the real DeepSeek-R1-Distill-Qwen vocabulary against the reference
// tokenizer's ids (data/qwen2_reference_ids.txt).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/shared_models.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/reference_ids.h"
#include "engine/tokenizer/tokenizer.h"

namespace bastion::engine {
namespace {

class DeepSeekVocabTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string path = bastion::testing::SharedModelPath("ggml-vocab-deepseek-r1-qwen.gguf");
    if (!bastion::testing::HaveSharedModel("ggml-vocab-deepseek-r1-qwen.gguf")) return;
    auto file = model::GgufFile::Open(path);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    auto vocab = VocabFromGguf(*file);
    ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
    vocab_ = new Vocab(std::move(*vocab));
    auto tokenizer = CreateTokenizer(*vocab_);
    ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
    tokenizer_ = tokenizer->release();
  }
  void SetUp() override {
    if (tokenizer_ == nullptr) GTEST_SKIP() << "../shared/models is not here";
  }
  std::vector<TokenId> Encode(std::string_view text, bool special = false) {
    return tokenizer_->Encode(text, special);
  }
  std::string DecodeAll(const std::vector<TokenId>& ids) {
    std::string out;
    for (TokenId id : ids) out += tokenizer_->Decode(id);
    return out;
  }
  static inline Vocab* vocab_ = nullptr;
  static inline Tokenizer* tokenizer_ = nullptr;
};

using bastion::testing::ReferenceIds;

TEST_F(DeepSeekVocabTest, MetadataAsTheModelStatesIt) {
  EXPECT_EQ(vocab_->pre, "deepseek-r1-qwen");
  EXPECT_EQ(tokenizer_->size(), 151936u);
  EXPECT_EQ(vocab_->tokens[151646], "<｜begin▁of▁sentence｜>");
  EXPECT_EQ(vocab_->bos, 151646);
}

TEST_F(DeepSeekVocabTest, EveryReferenceInputGivesTheReferenceIds) {
  auto cases = ReferenceIds();
  ASSERT_EQ(cases.size(), 43u);
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string text = DecodeAll(cases[i]);  // byte-level BPE: the ids spell the input
    EXPECT_EQ(Encode(text), cases[i]) << "case " << i << ": " << text;
  }
}

TEST_F(DeepSeekVocabTest, KnownInputsSpelledOut) {
  auto cases = ReferenceIds();
  ASSERT_GE(cases.size(), 33u);
  EXPECT_EQ(DecodeAll(cases[0]), "ied 4 ½ months");
  EXPECT_EQ(DecodeAll(cases[1]), "Führer");
  EXPECT_EQ(DecodeAll(cases[10]), "\t\n");
  EXPECT_EQ(DecodeAll(cases[17]), " Hello, world!");
  EXPECT_EQ(DecodeAll(cases[32]), "Hello, y'all! How are you 😁 ?我想在apple工作1314151天～");
  EXPECT_EQ(Encode("Hello, y'all! How are you 😁 ?我想在apple工作1314151天～"), cases[32]);
}

TEST_F(DeepSeekVocabTest, TurnMarkersAreSpecialOnlyWhenAskedThinkAlways) {
  std::vector<TokenId> turn = {151644, 9707, 151645,
                               151648};  // <｜User｜>Hello<｜Assistant｜><think>
  EXPECT_EQ(Encode("<｜User｜>Hello<｜Assistant｜><think>", true), turn);
  auto plain = Encode("<｜User｜>Hello<｜Assistant｜><think>", false);
  EXPECT_EQ(plain.back(), 151648) << "<think> is user-defined: always one token";
  EXPECT_EQ(std::count(plain.begin(), plain.end(), 151644), 0);
  EXPECT_EQ(DecodeAll(plain), "<｜User｜>Hello<｜Assistant｜><think>");
}

TEST_F(DeepSeekVocabTest, HostileInputsRoundTripWithoutCrashing) {
  std::vector<std::string> inputs = {std::string(100000, ' '),
                                     std::string(20000, '9'),
                                     std::string("\xFF\xFE\xC3\x28\xE2\x82", 6),
                                     std::string(3000, 'a') + "\xF0\x9F\xA6",
                                     "\u200d\u202e\ufeff zero-width and bidi",
                                     std::string("nul\0inside", 10)};
  for (const auto& text : inputs) EXPECT_EQ(DecodeAll(Encode(text)), text);
}

}  // namespace
}  // namespace bastion::engine
