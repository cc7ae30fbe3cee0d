// Hugging Face tokenizer.json reading: real vocabularies written out as tokenizer.json must
// tokenize exactly as their GGUF form does; hostile files must be refused with a reason.
#include "engine/tokenizer/hf_tokenizer_json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/shared_models.h"
#include "engine/hf/tokenizer_json_writer.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/reference_ids.h"
#include "engine/tokenizer/tokenizer.h"

namespace bastion::engine {
namespace {

using bastion::testing::MergeForm;

constexpr char kR1QwenVocab[] = "ggml-vocab-deepseek-r1-qwen.gguf";
constexpr char kStories[] = "stories260K.gguf";
constexpr std::string_view kBos = "<｜begin▁of▁sentence｜>";
constexpr std::string_view kEos = "<｜end▁of▁sentence｜>";

std::optional<Vocab> GgufVocab(const char* name) {
  auto file = model::GgufFile::Open(bastion::testing::SharedModelPath(name));
  if (!file.ok()) return std::nullopt;
  auto vocab = VocabFromGguf(*file);
  if (!vocab.ok()) return std::nullopt;
  return std::move(*vocab);
}

using bastion::testing::ReferenceIds;

std::string DecodeAll(const Tokenizer& t, const std::vector<TokenId>& ids) {
  std::string out;
  for (TokenId id : ids) out += t.Decode(id);
  return out;
}

class R1QwenTokenizerJsonTest : public ::testing::TestWithParam<MergeForm> {
 protected:
  static void SetUpTestSuite() {
    if (!bastion::testing::HaveSharedModel(kR1QwenVocab)) return;
    auto vocab = GgufVocab(kR1QwenVocab);
    ASSERT_TRUE(vocab.has_value());
    gguf_vocab_ = new Vocab(std::move(*vocab));
    auto tokenizer = CreateTokenizer(*gguf_vocab_);
    ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
    gguf_tokenizer_ = tokenizer->release();
  }
  void SetUp() override {
    if (gguf_tokenizer_ == nullptr) GTEST_SKIP() << "../shared/models is not here";
  }
  static std::string Json(MergeForm form, bool with_bos_template) {
    std::string bos(kBos);
    return bastion::testing::ByteLevelTokenizerJson(
        *gguf_vocab_, form, bastion::testing::kQwen2SplitRegex, with_bos_template ? &bos : nullptr);
  }
  static inline Vocab* gguf_vocab_ = nullptr;
  static inline Tokenizer* gguf_tokenizer_ = nullptr;
};

TEST_P(R1QwenTokenizerJsonTest, GivesTheGgufIdsOnEveryReferenceInput) {
  std::string config = bastion::testing::TokenizerConfigJson(kBos, kEos, true, "{{ bos_token }}");
  auto files = VocabFromTokenizerJson(Json(GetParam(), true), config, "/models/r1-qwen");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  const Vocab& v = files->vocab;
  EXPECT_EQ(v.model, "gpt2");
  EXPECT_EQ(v.pre, "deepseek-r1-qwen");
  EXPECT_EQ(v.tokens.size(), 151665u) << "the [PAD] rows of the GGUF are not in the file";
  EXPECT_EQ(v.merges, gguf_vocab_->merges);
  EXPECT_EQ(v.bos, 151646);
  EXPECT_EQ(v.eos, 151643);
  EXPECT_EQ(v.padding, 151643);
  EXPECT_TRUE(v.add_bos);
  EXPECT_EQ(v.types[151648], TokenType::kUserDefined);  // <think>
  EXPECT_EQ(v.types[151644], TokenType::kControl);      // <｜User｜>
  EXPECT_EQ(files->chat_template, "{{ bos_token }}");
  Vocab padded = v;
  ASSERT_TRUE(FitVocabToModel(padded, 151936).ok());
  EXPECT_EQ(padded.tokens, gguf_vocab_->tokens) << "padded as llama.cpp's converter pads";
  EXPECT_EQ(padded.types, gguf_vocab_->types);

  auto tokenizer = CreateTokenizer(v);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
  auto cases = ReferenceIds();
  ASSERT_EQ(cases.size(), 43u);
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string text = DecodeAll(*gguf_tokenizer_, cases[i]);
    EXPECT_EQ((*tokenizer)->Encode(text, false), cases[i]) << "case " << i << ": " << text;
  }
  std::string turn = "<｜User｜>Hi<｜Assistant｜><think>\n</think>";
  EXPECT_EQ((*tokenizer)->Encode(turn, true), gguf_tokenizer_->Encode(turn, true));
  EXPECT_EQ((*tokenizer)->Encode(turn, false), gguf_tokenizer_->Encode(turn, false));
}

TEST_P(R1QwenTokenizerJsonTest, WithoutTokenizerConfigTheTemplateGivesTheBos) {
  auto files = VocabFromTokenizerJson(Json(GetParam(), true), "", "");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(files->vocab.bos, 151646);
  EXPECT_TRUE(files->vocab.add_bos);
  EXPECT_EQ(files->vocab.pre, "deepseek-r1-qwen");
  EXPECT_FALSE(files->vocab.eos.has_value());
  EXPECT_TRUE(files->chat_template.empty());

  auto plain = VocabFromTokenizerJson(Json(GetParam(), false), "", "");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->vocab.pre, "qwen2");
  EXPECT_FALSE(plain->vocab.bos.has_value());
  EXPECT_FALSE(plain->vocab.add_bos);
}

INSTANTIATE_TEST_SUITE_P(MergeForms, R1QwenTokenizerJsonTest,
                         ::testing::Values(MergeForm::kStrings, MergeForm::kPairs),
                         [](const auto& info) {
                           return info.param == MergeForm::kStrings ? "Strings" : "Pairs";
                         });

// SentencePiece: stories260K's vocabulary as Llama 2's tokenizer.json lays it out (merges
// derived from the scores, as Hugging Face's converter does) tokenizes as the GGUF does.
TEST(SentencePieceTokenizerJsonTest, GivesTheGgufIds) {
  if (!bastion::testing::HaveSharedModel(kStories)) GTEST_SKIP() << "../shared/models is not here";
  auto gguf = GgufVocab(kStories);
  ASSERT_TRUE(gguf.has_value());
  auto reference = CreateTokenizer(*gguf);
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();
  for (MergeForm form : {MergeForm::kStrings, MergeForm::kPairs}) {
    std::string json = bastion::testing::SentencePieceTokenizerJson(*gguf, form);
    auto files = VocabFromTokenizerJson(json, "", "stories");
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    const Vocab& v = files->vocab;
    EXPECT_EQ(v.model, "llama");
    EXPECT_EQ(v.tokens, gguf->tokens);
    EXPECT_EQ(v.types, gguf->types);
    EXPECT_EQ(v.bos, 1) << "no config: the post-processor names <s>";
    EXPECT_TRUE(v.add_bos);
    auto tokenizer = CreateTokenizer(v);
    ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
    for (std::string text : {"Once upon a time, there was a little girl named Lily.",
                             "  two spaces, a tab\tand a newline\n", "Ünïcödé → 😁 byte fallback",
                             "<s>special</s> only when asked", ""}) {
      EXPECT_EQ((*tokenizer)->Encode(text, false), (*reference)->Encode(text, false)) << text;
      EXPECT_EQ((*tokenizer)->Encode(text, true), (*reference)->Encode(text, true)) << text;
    }
  }
}

}  // namespace
}  // namespace bastion::engine
