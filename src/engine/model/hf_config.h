#pragma once
// A Hugging Face model folder's config.json and generation_config.json, read for the
// embedded engine: the hyperparameters onto ModelConfig as ModelConfigFromGguf fills it,
// with the same checks, and the authors' sampling defaults. Both files are untrusted.
//
// RoPE: Hugging Face's Llama and Qwen2 rotate the two halves of each head against each other
// (rotate_half, "NEOX") on q_proj/k_proj as trained. llama.cpp's converter permutes Llama's
// q/k rows so that its GGUFs rotate interleaved pairs, which is why ModelConfigFromGguf picks
// kInterleaved for llama. safetensors weights are as trained, so this reader sets kHalves for
// both architectures; a weights reader that permuted Llama's q/k as the converter does would
// have to set kInterleaved instead. Llama 3.1 scaling comes from rope_scaling (there is no
// rope_freqs.weight tensor in a safetensors checkpoint).

#include <string_view>

#include "common/status.h"
#include "engine/model/generation_defaults.h"
#include "engine/model/model_config.h"

namespace bastion::engine {

struct HfModelConfig {
  ModelConfig config;
  // tie_word_embeddings: the output projection is the token embedding, and the checkpoint
  // has no lm_head.weight to read; when false, lm_head.weight is required. (ModelConfig has
  // no such field: the GGUF path tells by whether output.weight exists.)
  bool tied_embeddings = false;
};

// Refuses models that need their own code (auto_map), classes other than LlamaForCausalLM
// and Qwen2ForCausalLM, quantized checkpoints, and features the engine lacks (sliding
// window, MLP or output biases, activations other than SiLU, RoPE scaling other than
// llama3). `origin` names the model folder in errors.
Result<HfModelConfig> ModelConfigFromHfConfig(std::string_view config_json,
                                              std::string_view origin);

// do_sample: false gives temperature 0 (greedy); an absent do_sample leaves the stated
// values as they are (as vLLM reads the file). Ids are checked against 2^24 only: the caller
// checks them against the vocabulary.
Result<GenerationDefaults> GenerationDefaultsFromHf(std::string_view generation_config_json);

}  // namespace bastion::engine
