// The reader on real files from /work/shared/models (read in place, never copied into the
// repository): two vocabulary-only GGUFs and a tiny trained Llama. Skipped when absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/shared_models.h"
#include "model/gguf/gguf_file.h"
#include "model/gguf/gguf_test_bytes.h"

namespace bastion::model {
namespace {

using bastion::testing::SharedModelPath;

// Opens shared model `name` as `var`, or skips the test when the file is absent.
#define OPEN_OR_SKIP(var, name)                                         \
  std::string var##_path = SharedModelPath(name);                       \
  if (!std::filesystem::exists(var##_path)) GTEST_SKIP() << var##_path; \
  auto var##_result = GgufFile::Open(var##_path);                       \
  ASSERT_TRUE(var##_result.ok()) << var##_result.status().message();    \
  const GgufFile& var = *var##_result

TEST(GgufRealModelsTest, DeepSeekR1QwenVocabulary) {
  OPEN_OR_SKIP(f, "ggml-vocab-deepseek-r1-qwen.gguf");
  EXPECT_EQ(f.version(), 3u);
  EXPECT_TRUE(f.tensors().empty());
  EXPECT_EQ(*f.GetString("general.architecture"), "qwen2");
  EXPECT_EQ(*f.GetString("tokenizer.ggml.model"), "gpt2");
  EXPECT_EQ(*f.GetString("tokenizer.ggml.pre"), "deepseek-r1-qwen");
  auto tokens = f.GetStringArray("tokenizer.ggml.tokens");
  ASSERT_TRUE(tokens.ok()) << tokens.status().message();
  ASSERT_EQ(tokens->size(), 151936u);
  EXPECT_EQ((*tokens)[0], "!");
  EXPECT_EQ((*tokens)[151643], "<｜end▁of▁sentence｜>");
  EXPECT_EQ((*tokens)[151646], "<｜begin▁of▁sentence｜>");
  EXPECT_EQ((*tokens)[151648], "<think>");
  EXPECT_EQ((*tokens)[151649], "</think>");
  auto merges = f.GetArray("tokenizer.ggml.merges");
  ASSERT_TRUE(merges.ok()) << merges.status().message();
  EXPECT_EQ((*merges)->element_type(), GgufType::kString);
  EXPECT_EQ((*merges)->size(), 151387u);
  EXPECT_EQ((*merges)->StringAt(0), "Ġ Ġ");
  auto token_types = f.GetIntArray("tokenizer.ggml.token_type");
  ASSERT_TRUE(token_types.ok()) << token_types.status().message();
  EXPECT_EQ(token_types->size(), 151936u);
  EXPECT_EQ(*f.GetUint("tokenizer.ggml.bos_token_id"), 151646u);
  EXPECT_EQ(*f.GetUint("tokenizer.ggml.eos_token_id"), 151643u);
  EXPECT_EQ(*f.GetBool("tokenizer.ggml.add_bos_token"), true);
  EXPECT_EQ(*f.GetUint("qwen2.block_count"), 28u);
  EXPECT_NEAR(*f.GetFloat("qwen2.attention.layer_norm_rms_epsilon"), 1e-6, 1e-12);
}

TEST(GgufRealModelsTest, DeepSeekLlmVocabularyWithoutTrailingPadding) {
  OPEN_OR_SKIP(f, "ggml-vocab-deepseek-llm.gguf");
  EXPECT_EQ(*f.GetString("tokenizer.ggml.pre"), "deepseek-llm");
  EXPECT_EQ((*f.GetArray("tokenizer.ggml.tokens"))->size(), 102400u);
  EXPECT_EQ(f.data_offset(), f.bytes().size()) << "the file ends right after its header";
}

TEST(GgufRealModelsTest, Stories260KLlama) {
  OPEN_OR_SKIP(f, "stories260K.gguf");
  EXPECT_EQ(*f.GetString("general.architecture"), "llama");
  EXPECT_EQ(*f.GetString("tokenizer.ggml.model"), "llama");
  EXPECT_EQ(*f.GetUint("llama.embedding_length"), 64u);
  EXPECT_EQ(*f.GetUint("llama.block_count"), 5u);
  EXPECT_EQ(*f.GetUint("llama.attention.head_count"), 8u);
  EXPECT_EQ(*f.GetUint("llama.attention.head_count_kv"), 4u);
  EXPECT_EQ(*f.GetUint("llama.context_length"), 128u);
  EXPECT_EQ(*f.GetUint("llama.feed_forward_length"), 172u);
  EXPECT_EQ(f.GetStringArray("tokenizer.ggml.tokens")->size(), 512u);
  EXPECT_EQ(f.GetFloatArray("tokenizer.ggml.scores")->size(), 512u);
  EXPECT_EQ(f.alignment(), 32u);
  EXPECT_EQ(f.data_offset(), 14176u);
  ASSERT_EQ(f.tensors().size(), 48u);  // 3 + 9 per layer
  const GgufTensor* embd = f.FindTensor("token_embd.weight");
  ASSERT_NE(embd, nullptr);
  EXPECT_EQ(embd->type, GgmlType::kF32);
  EXPECT_EQ(embd->dims, (std::vector<uint64_t>{64, 512}));
  EXPECT_EQ(embd->offset, 0u);
  EXPECT_EQ(embd->size_bytes, 64u * 512 * 4);
  EXPECT_EQ(f.FindTensor("output_norm.weight")->dims, (std::vector<uint64_t>{64}));
  EXPECT_EQ(f.FindTensor("blk.4.ffn_down.weight")->dims, (std::vector<uint64_t>{172, 64}));
  const GgufTensor* last = f.FindTensor("blk.4.ffn_norm.weight");
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->data.data() + last->data.size(), f.bytes().data() + f.bytes().size())
      << "the last tensor ends the file";
  for (const GgufTensor& t : f.tensors()) EXPECT_EQ(t.type, GgmlType::kF32) << t.name;
}

TEST(GgufRealModelsTest, TruncatedRealHeaderAlwaysFails) {
  OPEN_OR_SKIP(f, "stories260K.gguf");
  std::span<const uint8_t> bytes = f.bytes();
  for (size_t n = 0; n < f.data_offset() + 64; ++n) {
    ASSERT_FALSE(GgufFile::Parse(bytes.first(n)).ok()) << n;
  }
  ASSERT_FALSE(GgufFile::Parse(bytes.first(bytes.size() - 1)).ok());
}

}  // namespace
}  // namespace bastion::model
