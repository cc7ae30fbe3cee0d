// config.json and generation_config.json as the DeepSeek-R1-Distill checkpoints publish
// them, and the files the engine must refuse.
#include "engine/model/hf_config.h"

#include <gtest/gtest.h>

#include <string>

namespace bastion::engine {
namespace {

constexpr std::string_view kR1DistillQwen15B = R"({
  "architectures": ["Qwen2ForCausalLM"],
  "attention_dropout": 0.0,
  "bos_token_id": 151643,
  "eos_token_id": 151643,
  "hidden_act": "silu",
  "hidden_size": 1536,
  "initializer_range": 0.02,
  "intermediate_size": 8960,
  "max_position_embeddings": 131072,
  "max_window_layers": 21,
  "model_type": "qwen2",
  "num_attention_heads": 12,
  "num_hidden_layers": 28,
  "num_key_value_heads": 2,
  "rms_norm_eps": 1e-06,
  "rope_theta": 10000,
  "sliding_window": 4096,
  "tie_word_embeddings": false,
  "torch_dtype": "bfloat16",
  "transformers_version": "4.44.0",
  "use_cache": true,
  "use_mrope": false,
  "use_sliding_window": false,
  "vocab_size": 151936
})";

constexpr std::string_view kR1DistillLlama8B = R"({
  "architectures": ["LlamaForCausalLM"],
  "attention_bias": false,
  "attention_dropout": 0.0,
  "bos_token_id": 128000,
  "eos_token_id": 128001,
  "hidden_act": "silu",
  "hidden_size": 4096,
  "initializer_range": 0.02,
  "intermediate_size": 14336,
  "max_position_embeddings": 131072,
  "mlp_bias": false,
  "model_type": "llama",
  "num_attention_heads": 32,
  "num_hidden_layers": 32,
  "num_key_value_heads": 8,
  "pretraining_tp": 1,
  "rms_norm_eps": 1e-05,
  "rope_scaling": {
    "factor": 8.0,
    "high_freq_factor": 4.0,
    "low_freq_factor": 1.0,
    "original_max_position_embeddings": 8192,
    "rope_type": "llama3"
  },
  "rope_theta": 500000.0,
  "tie_word_embeddings": false,
  "torch_dtype": "bfloat16",
  "transformers_version": "4.43.0.dev0",
  "use_cache": true,
  "vocab_size": 128256
})";

constexpr std::string_view kR1DistillGeneration = R"({
  "_from_model_config": true,
  "bos_token_id": 151646,
  "eos_token_id": 151643,
  "do_sample": true,
  "temperature": 0.6,
  "top_p": 0.95,
  "transformers_version": "4.39.3"
})";

// `json` with the first occurrence of `from` replaced by `to`.
std::string With(std::string_view json, std::string_view from, std::string_view to) {
  std::string out(json);
  size_t at = out.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

void ExpectRefused(std::string_view json, std::string_view part) {
  auto r = ModelConfigFromHfConfig(json, "/models/m");
  ASSERT_FALSE(r.ok()) << "accepted; expected an error with: " << part;
  EXPECT_NE(r.status().message().find(part), std::string::npos) << r.status().message();
}

TEST(HfConfigTest, R1DistillQwen15B) {
  auto r = ModelConfigFromHfConfig(kR1DistillQwen15B, "/models/r1-qwen");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ModelConfig& c = r->config;
  EXPECT_EQ(c.architecture, "qwen2");
  EXPECT_EQ(c.vocab_size, 151936u);
  EXPECT_EQ(c.context_length, 131072u);
  EXPECT_EQ(c.embedding, 1536u);
  EXPECT_EQ(c.layers, 28u);
  EXPECT_EQ(c.feed_forward, 8960u);
  EXPECT_EQ(c.heads, 12u);
  EXPECT_EQ(c.kv_heads, 2u);
  EXPECT_EQ(c.head_dim, 128u);
  EXPECT_FLOAT_EQ(c.rms_epsilon, 1e-6f);
  EXPECT_FLOAT_EQ(c.rope_base, 10000.0f);
  EXPECT_EQ(c.rope_style, RopeStyle::kHalves);
  EXPECT_EQ(c.rope_scale_factor, 0.0f);
  EXPECT_EQ(c.rope_original_context, 0u);
  EXPECT_FALSE(r->tied_embeddings);
}

TEST(HfConfigTest, R1DistillLlama8B) {
  auto r = ModelConfigFromHfConfig(kR1DistillLlama8B, "/models/r1-llama");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ModelConfig& c = r->config;
  EXPECT_EQ(c.architecture, "llama");
  EXPECT_EQ(c.vocab_size, 128256u);
  EXPECT_EQ(c.context_length, 131072u);
  EXPECT_EQ(c.embedding, 4096u);
  EXPECT_EQ(c.layers, 32u);
  EXPECT_EQ(c.feed_forward, 14336u);
  EXPECT_EQ(c.heads, 32u);
  EXPECT_EQ(c.kv_heads, 8u);
  EXPECT_EQ(c.head_dim, 128u);
  EXPECT_FLOAT_EQ(c.rms_epsilon, 1e-5f);
  EXPECT_FLOAT_EQ(c.rope_base, 500000.0f);
  EXPECT_EQ(c.rope_style, RopeStyle::kHalves) << "safetensors q/k are not permuted";
  EXPECT_FLOAT_EQ(c.rope_scale_factor, 8.0f);
  EXPECT_FLOAT_EQ(c.rope_low_freq_factor, 1.0f);
  EXPECT_FLOAT_EQ(c.rope_high_freq_factor, 4.0f);
  EXPECT_EQ(c.rope_original_context, 8192u);
  EXPECT_FALSE(r->tied_embeddings);
}

TEST(HfConfigTest, DefaultsWhenTheFileIsSilent) {
  auto r = ModelConfigFromHfConfig(R"({"architectures": ["LlamaForCausalLM"],
      "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 8,
      "intermediate_size": 128, "vocab_size": 512, "max_position_embeddings": 256,
      "tie_word_embeddings": true, "head_dim": 8, "rope_scaling": {"type": "default"}})",
                                   "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->config.kv_heads, 8u) << "no num_key_value_heads: one kv head per head";
  EXPECT_FLOAT_EQ(r->config.rms_epsilon, 1e-6f);
  EXPECT_FLOAT_EQ(r->config.rope_base, 10000.0f);
  EXPECT_EQ(r->config.rope_scale_factor, 0.0f);
  EXPECT_TRUE(r->tied_embeddings);
}

TEST(HfConfigTest, RefusesRemoteCodeAndUnknownArchitectures) {
  ExpectRefused(
      With(kR1DistillQwen15B, R"("attention_dropout")",
           R"("auto_map": {"AutoModelForCausalLM": "modeling_x.X"}, "attention_dropout")"),
      "/models/m/config.json: 'auto_map' is set: the model needs its own Python code");
  ExpectRefused(With(kR1DistillQwen15B, "Qwen2ForCausalLM", "DeepseekV3ForCausalLM"),
                "\"DeepseekV3ForCausalLM\": not supported by the embedded engine");
  ExpectRefused(With(kR1DistillQwen15B, R"(["Qwen2ForCausalLM"])", "[]"),
                "must list one model class");
  ExpectRefused(With(kR1DistillQwen15B, R"("qwen2")", R"("llama")"),
                "'model_type' is \"llama\" but the class is Qwen2ForCausalLM");
  ExpectRefused(With(kR1DistillQwen15B, R"("hidden_act": "silu")", R"("hidden_act": "gelu")"),
                "SiLU only");
  ExpectRefused(
      With(kR1DistillQwen15B, R"("use_sliding_window": false)", R"("use_sliding_window": true)"),
      "'use_sliding_window' is set");
  ExpectRefused(With(kR1DistillLlama8B, R"("attention_bias": false)", R"("attention_bias": true)"),
                "no attention output bias");
  ExpectRefused(With(kR1DistillLlama8B, R"("mlp_bias": false)", R"("mlp_bias": true)"),
                "no feed-forward biases");
  ExpectRefused(With(kR1DistillLlama8B, R"("pretraining_tp")",
                     R"("quantization_config": {"quant_method": "gptq"}, "pretraining_tp")"),
                "quantized safetensors checkpoints are not supported");
}

TEST(HfConfigTest, RefusesMissingAndAbsurdSizes) {
  ExpectRefused(With(kR1DistillQwen15B, R"("hidden_size": 1536,)", ""), "'hidden_size' is missing");
  ExpectRefused(With(kR1DistillQwen15B, R"("vocab_size": 151936)", R"("vocab": 151936)"),
                "'vocab_size' is missing");
  ExpectRefused(With(kR1DistillQwen15B, "1536", "-1536"),
                "'hidden_size' must be an integer from 1 to 1048576");
  ExpectRefused(With(kR1DistillQwen15B, "1536", "0"), "'hidden_size' must be an integer");
  ExpectRefused(With(kR1DistillQwen15B, "1536", "1536.5"), "'hidden_size' must be an integer");
  ExpectRefused(With(kR1DistillQwen15B, "1536", "\"1536\""), "'hidden_size' must be an integer");
  ExpectRefused(With(kR1DistillQwen15B, "1536", "99999999999999999999"),
                "config.json is not valid JSON (Problem while parsing a number)");
  ExpectRefused(With(kR1DistillQwen15B, "1536", "9999999999999999999"),
                "'hidden_size' must be an integer");
  ExpectRefused(
      With(kR1DistillQwen15B, "\"num_hidden_layers\": 28", "\"num_hidden_layers\": 4000000"),
      "'num_hidden_layers' must be an integer from 1 to 1048576");
  ExpectRefused(With(kR1DistillQwen15B, "151936", "16777217"), "'vocab_size' must be an integer");
  ExpectRefused(With(kR1DistillQwen15B, "1e-06", "-1"), "'rms_norm_eps' must be a number");
  ExpectRefused(With(kR1DistillQwen15B, R"("rope_theta": 10000)", R"("rope_theta": "big")"),
                "'rope_theta' must be a number");
  ExpectRefused(
      With(kR1DistillQwen15B, R"("tie_word_embeddings": false)", R"("tie_word_embeddings": 0)"),
      "'tie_word_embeddings' must be true or false");
}

TEST(HfConfigTest, RefusesHeadsThatDoNotDivide) {
  ExpectRefused(With(kR1DistillQwen15B, "1536", "1000"),
                "attention heads (12, 2 kv) do not divide the hidden size 1000");
  ExpectRefused(
      With(kR1DistillQwen15B, R"("num_key_value_heads": 2)", R"("num_key_value_heads": 5)"),
      "attention heads (12, 5 kv) do not divide");
  ExpectRefused(
      With(kR1DistillQwen15B, R"("num_key_value_heads": 2)", R"("num_key_value_heads": 24)"),
      "do not divide");
  ExpectRefused(With(kR1DistillQwen15B, R"("num_attention_heads": 12)",
                     R"("num_attention_heads": 12, "head_dim": 64)"),
                "'head_dim' is 64: the engine needs hidden_size / num_attention_heads (128)");
  ExpectRefused(
      With(kR1DistillQwen15B, R"("num_attention_heads": 12)", R"("num_attention_heads": 512)"),
      "head size must be even");
}

TEST(HfConfigTest, RefusesRopeScalingTheEngineLacks) {
  ExpectRefused(With(kR1DistillLlama8B, R"("rope_type": "llama3")", R"("rope_type": "yarn")"),
                "'rope_scaling.rope_type' is \"yarn\": the engine implements Llama 3.1's scaling");
  ExpectRefused(With(kR1DistillLlama8B, R"("factor": 8.0,)", ""), "are all needed for llama3");
  ExpectRefused(With(kR1DistillLlama8B, R"("factor": 8.0)", R"("factor": 0)"),
                "'rope_scaling.factor' must be a number");
  ExpectRefused(With(kR1DistillLlama8B, R"("high_freq_factor": 4.0)", R"("high_freq_factor": 1.0)"),
                "'rope_scaling.high_freq_factor' must be above 'low_freq_factor'");
  ExpectRefused(With(kR1DistillLlama8B, R"("rope_scaling": {)", R"("rope_scaling": [{)"),
                "not valid JSON");
  ExpectRefused(With(kR1DistillLlama8B, R"("rope_scaling": {
    "factor": 8.0,
    "high_freq_factor": 4.0,
    "low_freq_factor": 1.0,
    "original_max_position_embeddings": 8192,
    "rope_type": "llama3"
  })",
                     R"("rope_scaling": "llama3")"),
                "'rope_scaling' must be an object");
}

TEST(HfConfigTest, RefusesMalformedJson) {
  ExpectRefused("", "/models/m/config.json is not valid JSON");
  ExpectRefused("[]", "must hold a JSON object");
  ExpectRefused("null", "must hold a JSON object");
  ExpectRefused(R"({"architectures": ["LlamaForCausalLM"], "architectures": ["X"]})",
                "key \"architectures\" appears twice at the top level");
  ExpectRefused(std::string(kR1DistillQwen15B) + "}", "not valid JSON");
  ExpectRefused(std::string(2 << 20, ' '), "more than the 1048576 bytes");
}

TEST(GenerationDefaultsTest, R1Distill) {
  auto g = GenerationDefaultsFromHf(kR1DistillGeneration);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_FLOAT_EQ(g->temperature.value_or(-1), 0.6f);
  EXPECT_FLOAT_EQ(g->top_p.value_or(-1), 0.95f);
  EXPECT_FALSE(g->top_k.has_value());
  EXPECT_FALSE(g->repetition_penalty.has_value());
  EXPECT_EQ(g->bos_id, 151646);
  EXPECT_EQ(g->eos_ids, std::vector<TokenId>{151643});
}

TEST(GenerationDefaultsTest, StopListsAndGreedy) {
  auto g = GenerationDefaultsFromHf(R"({"bos_token_id": 128000,
      "eos_token_id": [128001, 128008, 128009, 128001], "do_sample": false,
      "temperature": 0.6, "top_k": 40, "repetition_penalty": 1.1})");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->eos_ids, (std::vector<TokenId>{128001, 128008, 128009}));
  EXPECT_EQ(g->temperature, 0.0f) << "do_sample false is greedy";
  EXPECT_EQ(g->top_k, 40);
  EXPECT_FLOAT_EQ(g->repetition_penalty.value_or(-1), 1.1f);
  auto empty = GenerationDefaultsFromHf("{}");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_FALSE(empty->temperature.has_value());
  EXPECT_TRUE(empty->eos_ids.empty());
}

TEST(GenerationDefaultsTest, RefusesNonsense) {
  auto refused = [](std::string_view json, std::string_view part) {
    auto g = GenerationDefaultsFromHf(json);
    ASSERT_FALSE(g.ok()) << json;
    EXPECT_NE(g.status().message().find(part), std::string::npos) << g.status().message();
  };
  refused(R"({"temperature": -0.5})", "generation_config.json: 'temperature' must be a number");
  refused(R"({"temperature": "hot"})", "'temperature' must be a number");
  refused(R"({"top_p": 0})", "'top_p' must be above 0");
  refused(R"({"top_p": 1.5})", "'top_p' must be a number");
  refused(R"({"top_k": -1})", "'top_k' must be an integer");
  refused(R"({"repetition_penalty": 0})", "'repetition_penalty' must be above 0");
  refused(R"({"eos_token_id": "x"})", "'eos_token_id' must be a token id");
  refused(R"({"eos_token_id": [1, -2]})", "'eos_token_id' must be a token id");
  refused(R"({"eos_token_id": [[1]]})", "'eos_token_id' must be a token id");
  refused(R"({"bos_token_id": 16777216})", "'bos_token_id' must be an integer");
  refused(R"({"do_sample": "false"})", "'do_sample' must be true or false");
  refused(R"({"top_p": 0.9, "top_p": 0.1})", "appears twice");
  refused("nope", "generation_config.json is not valid JSON");
  refused("null", "generation_config.json must hold a JSON object");
}

}  // namespace
}  // namespace bastion::engine
