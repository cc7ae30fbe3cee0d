// The trained tiny Llama (../shared/models/stories260K.gguf) must write the story its
// reference implementation writes: greedy decoding is deterministic, so any error in the
// tokenizer, RoPE, attention or feed-forward shows as different text.
#include <gtest/gtest.h>

#include "common/shared_models.h"
#include "engine/model/transformer.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/tokenizer.h"

namespace bastion::engine {
namespace {

TEST(StoriesGenerationTest, GreedyOutputIsTheReferenceStory) {
  if (!bastion::testing::HaveSharedModel("stories260K.gguf")) GTEST_SKIP() << "no ../shared/models";
  auto file = model::GgufFile::Open(bastion::testing::SharedModelPath("stories260K.gguf"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto vocab = VocabFromGguf(*file);
  ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
  auto tokenizer = CreateTokenizer(*vocab);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
  auto model = Transformer::Load(*file);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const ModelConfig& c = (*model)->config();
  EXPECT_EQ(c.embedding, 64u);
  EXPECT_EQ(c.layers, 5u);
  EXPECT_EQ(c.heads, 8u);
  EXPECT_EQ(c.kv_heads, 4u);
  EXPECT_EQ(c.vocab_size, 512u);

  std::vector<TokenId> tokens = {*vocab->bos};
  for (TokenId id : (*tokenizer)->Encode("Once upon a time", false)) tokens.push_back(id);
  KvCache cache(c, 256);
  std::vector<float> logits(c.vocab_size);
  std::string text;
  for (size_t pos = 0; pos < 40; ++pos) {
    TokenId token = tokens[pos];
    (*model)->Forward(token, pos, cache, logits.data());
    if (pos > 0) text += (*tokenizer)->Decode(token);
    if (pos + 1 >= tokens.size()) {
      tokens.push_back(
          static_cast<TokenId>(std::max_element(logits.begin(), logits.end()) - logits.begin()));
    }
  }
  EXPECT_TRUE(text.starts_with(
      " Once upon a time, there was a little girl named Lily. She loved to play outside in "
      "the park."))
      << text;
}

TEST(StoriesGenerationTest, PrefillInChunksEqualsTokenByToken) {
  if (!bastion::testing::HaveSharedModel("stories260K.gguf")) GTEST_SKIP() << "no ../shared/models";
  auto file = model::GgufFile::Open(bastion::testing::SharedModelPath("stories260K.gguf"));
  ASSERT_TRUE(file.ok());
  auto model = Transformer::Load(*file, 2);
  ASSERT_TRUE(model.ok());
  const ModelConfig& c = (*model)->config();
  std::vector<TokenId> tokens;
  for (int i = 0; i < 75; ++i) tokens.push_back(static_cast<TokenId>((i * 37 + 11) % 512));
  KvCache one_by_one(c, tokens.size()), batched(c, tokens.size());
  std::vector<float> want(c.vocab_size), got(c.vocab_size);
  for (size_t pos = 0; pos < tokens.size(); ++pos) {
    (*model)->Forward(tokens[pos], pos, one_by_one, want.data());
  }
  (*model)->Prefill(tokens, 0, batched, got.data());  // 75 tokens: chunks of 32, 32, 11
  for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-4f) << i;
}

}  // namespace
}  // namespace bastion::engine
