// A Hugging Face folder (config.json, tokenizer.json, model.safetensors) must run as the same
// model as its GGUF: stories260K is written out as Hugging Face lays out a Llama checkpoint
// (names, [out, in] shapes, q/k rows in the order they were trained: llama.cpp's converter
// interleaves them for GGUF), then loaded through engine::LoadModel and asked for the story.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/json_writer.h"
#include "common/shared_models.h"
#include "engine/hf/tokenizer_json_writer.h"
#include "engine/kernels/half.h"
#include "engine/loaded_model.h"
#include "engine/model/safetensors_source.h"

namespace bastion::engine {
namespace {

constexpr char kStories[] = "stories260K.gguf";

void WriteFile(const std::filesystem::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary)
      .write(text.data(), static_cast<std::streamsize>(text.size()));
}

// Undoes the converter's permutation: HF row h*hd + j*hd/2 + i is GGUF row h*hd + 2i + j.
std::vector<float> UnpermuteRows(const std::vector<float>& w, size_t heads, size_t cols) {
  const size_t rows = w.size() / cols, hd = rows / heads;
  std::vector<float> out(w.size());
  for (size_t h = 0; h < heads; ++h) {
    for (size_t i = 0; i < hd / 2; ++i) {
      for (size_t j = 0; j < 2; ++j) {
        std::copy_n(&w[(h * hd + 2 * i + j) * cols], cols, &out[(h * hd + j * hd / 2 + i) * cols]);
      }
    }
  }
  return out;
}

std::string Greedy(const LoadedModel& m, size_t n) {
  std::vector<TokenId> tokens = {*m.vocab.bos};
  for (TokenId id : m.tokenizer->Encode("Once upon a time", false)) tokens.push_back(id);
  const Transformer& t = *m.transformer;
  KvCache cache(t.config(), tokens.size() + n);
  std::vector<float> logits(t.config().vocab_size);
  t.Prefill(tokens, 0, cache, logits.data());
  std::string text;
  for (size_t i = 0; i < n; ++i) {
    auto next =
        static_cast<TokenId>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    text += m.tokenizer->Decode(next);
    t.Forward(next, tokens.size() + i, cache, logits.data());
  }
  return text;
}

class FolderModelTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!bastion::testing::HaveSharedModel(kStories)) GTEST_SKIP() << "no ../shared/models";
    auto gguf =
        LoadModel(bastion::testing::SharedModelPath(kStories), LoadParts::kTokenizerAndWeights, 1);
    ASSERT_TRUE(gguf.ok()) << gguf.status().ToString();
    gguf_ = std::move(*gguf);
    dir_ = std::filesystem::temp_directory_path() /
           ("bastion-folder-" + std::to_string(::getpid()) + "-" + GetParam());
    std::filesystem::create_directories(dir_ / "stories-hf");
    dir_ /= "stories-hf";
    WriteFolder(GetParam());
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_.parent_path());
  }

  // The GGUF's weights under Hugging Face names, as F32 or BF16.
  void WriteFolder(std::string_view dtype) {
    const ModelConfig& c = gguf_->transformer->config();
    const TensorSource& src = *gguf_->tensors;
    const bool bf16 = dtype == "BF16";
    std::vector<std::pair<std::string, std::string>> tensors;  // HF name, raw bytes
    std::string header = "{";
    auto add = [&](const std::string& hf, std::vector<uint64_t> shape, std::vector<float> v) {
      std::string raw;
      for (float f : v) {
        if (bf16) {
          uint16_t h = FloatToBf16(f);
          raw.append(reinterpret_cast<const char*>(&h), 2);
        } else {
          raw.append(reinterpret_cast<const char*>(&f), 4);
        }
      }
      tensors.emplace_back(hf, std::move(raw));
      tensors.back().first +=
          "|" + std::to_string(shape[0]) + (shape.size() > 1 ? "," + std::to_string(shape[1]) : "");
    };
    auto floats = [&](const std::string& gguf_name) {
      const SourceTensor* t = src.Find(gguf_name);
      EXPECT_NE(t, nullptr) << gguf_name;
      EXPECT_EQ(t->type, model::GgmlType::kF32);
      std::vector<float> v(t->data.size() / 4);
      std::memcpy(v.data(), t->data.data(), t->data.size());
      return v;
    };
    add("model.embed_tokens.weight", {c.vocab_size, c.embedding}, floats("token_embd.weight"));
    add("model.norm.weight", {c.embedding}, floats("output_norm.weight"));
    if (src.Find("output.weight")) {
      add("lm_head.weight", {c.vocab_size, c.embedding}, floats("output.weight"));
    }
    const uint64_t kv = uint64_t{c.kv_heads} * c.head_dim;
    for (uint32_t i = 0; i < c.layers; ++i) {
      const std::string g = "blk." + std::to_string(i) + ".";
      const std::string h = "model.layers." + std::to_string(i) + ".";
      add(h + "input_layernorm.weight", {c.embedding}, floats(g + "attn_norm.weight"));
      add(h + "post_attention_layernorm.weight", {c.embedding}, floats(g + "ffn_norm.weight"));
      add(h + "self_attn.q_proj.weight", {c.embedding, c.embedding},
          UnpermuteRows(floats(g + "attn_q.weight"), c.heads, c.embedding));
      add(h + "self_attn.k_proj.weight", {kv, c.embedding},
          UnpermuteRows(floats(g + "attn_k.weight"), c.kv_heads, c.embedding));
      add(h + "self_attn.v_proj.weight", {kv, c.embedding}, floats(g + "attn_v.weight"));
      add(h + "self_attn.o_proj.weight", {c.embedding, c.embedding},
          floats(g + "attn_output.weight"));
      add(h + "mlp.gate_proj.weight", {c.feed_forward, c.embedding}, floats(g + "ffn_gate.weight"));
      add(h + "mlp.up_proj.weight", {c.feed_forward, c.embedding}, floats(g + "ffn_up.weight"));
      add(h + "mlp.down_proj.weight", {c.embedding, c.feed_forward}, floats(g + "ffn_down.weight"));
    }
    std::string data;
    JsonWriter w;
    w.BeginObject();
    for (auto& [key, raw] : tensors) {
      const std::string name = key.substr(0, key.find('|'));
      const std::string shape = key.substr(key.find('|') + 1);
      w.Key(name).BeginObject().Key("dtype").String(dtype).Key("shape").Raw("[" + shape + "]");
      w.Key("data_offsets").BeginArray().Uint(data.size()).Uint(data.size() + raw.size());
      w.EndArray().EndObject();
      data += raw;
    }
    w.EndObject();
    header = w.Take();
    while (header.size() % 8) header += ' ';
    std::string file;
    for (size_t i = 0; i < 8; ++i)
      file.push_back(static_cast<char>(uint64_t{header.size()} >> (8 * i)));
    WriteFile(dir_ / "model.safetensors", file + header + data);

    JsonWriter config;
    config.BeginObject().Key("architectures").BeginArray().String("LlamaForCausalLM").EndArray();
    config.Key("model_type").String("llama").Key("hidden_size").Uint(c.embedding);
    config.Key("num_hidden_layers").Uint(c.layers).Key("num_attention_heads").Uint(c.heads);
    config.Key("num_key_value_heads")
        .Uint(c.kv_heads)
        .Key("intermediate_size")
        .Uint(c.feed_forward);
    config.Key("vocab_size")
        .Uint(c.vocab_size)
        .Key("max_position_embeddings")
        .Uint(c.context_length);
    config.Key("rms_norm_eps").Double(c.rms_epsilon).Key("rope_theta").Double(c.rope_base);
    config.Key("hidden_act").String("silu");
    config.Key("tie_word_embeddings").Bool(src.Find("output.weight") == nullptr).EndObject();
    WriteFile(dir_ / "config.json", config.str());
    WriteFile(dir_ / "tokenizer.json", bastion::testing::SentencePieceTokenizerJson(
                                           gguf_->vocab, bastion::testing::MergeForm::kPairs));
    WriteFile(dir_ / "tokenizer_config.json",
              bastion::testing::TokenizerConfigJson("<s>", "</s>", true, ""));
  }

  std::unique_ptr<LoadedModel> gguf_;
  std::filesystem::path dir_;
};

TEST_P(FolderModelTest, TellsTheSameStoryAsTheGguf) {
  const std::string want = Greedy(*gguf_, 30);
  ASSERT_TRUE(want.starts_with(", there was a little girl named Lily.")) << want;
  auto folder = LoadModel(dir_.string(), LoadParts::kTokenizerAndWeights, 1);
  ASSERT_TRUE(folder.ok()) << folder.status().ToString();
  EXPECT_EQ((*folder)->name, "stories-hf");
  EXPECT_EQ((*folder)->transformer->config().rope_style, RopeStyle::kHalves);
  if (std::string_view(GetParam()) == "F32") {
    EXPECT_EQ(Greedy(**folder, 30), want);
  } else {  // BF16 rounds every weight: the story may part ways late, never at once
    EXPECT_EQ(Greedy(**folder, 30).substr(0, 20), want.substr(0, 20));
  }
  auto quantized = LoadModel(dir_.string(), LoadParts::kTokenizerAndWeights, 1, false, true);
  ASSERT_TRUE(quantized.ok()) << quantized.status().ToString();
  EXPECT_EQ((*quantized)->tensors->Find("blk.0.attn_q.weight")->type, model::GgmlType::kQ8_0);
  EXPECT_EQ(Greedy(**quantized, 30).substr(0, 10), want.substr(0, 10));
}

TEST_P(FolderModelTest, RefusesWeightsItHasNoPlaceFor) {
  // A checkpoint with an extra tensor is refused rather than run without it.
  std::string file;
  std::string header =
      R"({"model.layers.0.self_attn.o_proj.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  while (header.size() % 8) header += ' ';
  for (size_t i = 0; i < 8; ++i)
    file.push_back(static_cast<char>(uint64_t{header.size()} >> (8 * i)));
  WriteFile(dir_ / "model.safetensors", file + header + std::string(4, '\0'));
  auto folder = LoadModel(dir_.string(), LoadParts::kTokenizerAndWeights, 1);
  ASSERT_FALSE(folder.ok());
  EXPECT_NE(folder.status().message().find("o_proj.bias"), std::string::npos)
      << folder.status().message();
  std::filesystem::remove(dir_ / "config.json");
  folder = LoadModel(dir_.string(), LoadParts::kTokenizerAndWeights, 1);
  ASSERT_FALSE(folder.ok());
  EXPECT_NE(folder.status().message().find("config.json"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Dtypes, FolderModelTest, ::testing::Values("F32", "BF16"),
                         [](const auto& info) { return std::string(info.param); });

TEST(GgufNameOfTest, MapsLlamaAndQwen2Names) {
  EXPECT_EQ(GgufNameOf("model.layers.12.self_attn.k_proj.bias"), "blk.12.attn_k.bias");
  EXPECT_EQ(GgufNameOf("model.layers.0.mlp.down_proj.weight"), "blk.0.ffn_down.weight");
  EXPECT_EQ(GgufNameOf("lm_head.weight"), "output.weight");
  EXPECT_EQ(GgufNameOf("model.layers.x.mlp.down_proj.weight"), "");
  EXPECT_EQ(GgufNameOf("model.layers.1.self_attn.o_proj.bias"), "");
  EXPECT_EQ(GgufNameOf("model.layers."), "");
}

}  // namespace
}  // namespace bastion::engine
