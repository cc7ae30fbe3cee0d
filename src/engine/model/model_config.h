#pragma once
// A decoder's hyperparameters as its GGUF metadata states them, for the architectures the
// engine runs: llama (Llama 2/3, R1-Distill-Llama) and qwen2 (R1-Distill-Qwen).

#include <cstdint>
#include <string>

#include "common/status.h"
#include "model/gguf/gguf_file.h"

namespace bastion::engine {

enum class RopeStyle {
  kInterleaved,  // llama in GGUF: pairs (2i, 2i+1) (the converter permutes Q and K)
  kHalves,       // qwen2 ("neox"): pairs (i, i + head_dim/2)
};

struct ModelConfig {
  std::string architecture;  // "llama", "qwen2"
  uint32_t vocab_size = 0;
  uint32_t context_length = 0;
  uint32_t embedding = 0;  // hidden size
  uint32_t layers = 0;
  uint32_t feed_forward = 0;
  uint32_t heads = 0;
  uint32_t kv_heads = 0;
  uint32_t head_dim = 0;
  float rms_epsilon = 1e-5f;
  float rope_base = 10000.0f;
  RopeStyle rope_style = RopeStyle::kInterleaved;
  // Llama 3.1 RoPE scaling (R1-Distill-Llama-8B: factor 8, original context 8192).
  float rope_scale_factor = 0;  // 0: none
  float rope_low_freq_factor = 1.0f;
  float rope_high_freq_factor = 4.0f;
  uint32_t rope_original_context = 0;
};

// Reads and checks the hyperparameters (heads divide the hidden size, kv heads divide heads,
// sizes within bounds). `vocab_size` comes from the token embedding's shape.
Result<ModelConfig> ModelConfigFromGguf(const model::GgufFile& file);

}  // namespace bastion::engine
