#include "engine/model/model_config.h"

namespace bastion::engine {
namespace {

constexpr uint64_t kMaxDimension = 1 << 20;

Status Require(const model::GgufFile& file, const std::string& key, uint32_t& out) {
  auto v = file.GetUint(key);
  if (!v.ok()) return v.status();
  if (*v == 0 || *v > kMaxDimension) {
    return Status::InvalidArgument(key + " = " + std::to_string(*v) + " is out of range");
  }
  out = static_cast<uint32_t>(*v);
  return Status::Ok();
}

void Optional(const model::GgufFile& file, const std::string& key, float& out) {
  if (auto v = file.GetFloat(key); v.ok()) out = static_cast<float>(*v);
}

}  // namespace

Result<ModelConfig> ModelConfigFromGguf(const model::GgufFile& file) {
  ModelConfig c;
  auto arch = file.GetString("general.architecture");
  if (!arch.ok()) return arch.status();
  c.architecture = *arch;
  if (c.architecture != "llama" && c.architecture != "qwen2") {
    return Status::InvalidArgument("architecture '" + c.architecture +
                                   "' is not supported by the embedded engine (llama, qwen2)");
  }
  c.rope_style = c.architecture == "qwen2" ? RopeStyle::kHalves : RopeStyle::kInterleaved;
  const std::string a = c.architecture + ".";
  for (auto [key, slot] :
       {std::pair{"context_length", &c.context_length}, std::pair{"embedding_length", &c.embedding},
        std::pair{"block_count", &c.layers}, std::pair{"feed_forward_length", &c.feed_forward},
        std::pair{"attention.head_count", &c.heads}}) {
    if (Status st = Require(file, a + key, *slot); !st.ok()) return st;
  }
  c.kv_heads = c.heads;
  if (file.Find(a + "attention.head_count_kv") != nullptr) {
    if (Status st = Require(file, a + "attention.head_count_kv", c.kv_heads); !st.ok()) return st;
  }
  if (c.embedding % c.heads != 0 || c.heads % c.kv_heads != 0) {
    return Status::InvalidArgument(
        "attention heads (" + std::to_string(c.heads) + ", " + std::to_string(c.kv_heads) +
        " kv) do not divide the hidden size " + std::to_string(c.embedding));
  }
  c.head_dim = c.embedding / c.heads;
  if (c.head_dim % 2 != 0) return Status::InvalidArgument("head size must be even for RoPE");
  Optional(file, a + "attention.layer_norm_rms_epsilon", c.rms_epsilon);
  Optional(file, a + "rope.freq_base", c.rope_base);
  if (auto type = file.GetString(a + "rope.scaling.type"); type.ok() && *type == "llama3") {
    Optional(file, a + "rope.scaling.factor", c.rope_scale_factor);
    Optional(file, a + "rope.scaling.low_freq_factor", c.rope_low_freq_factor);
    Optional(file, a + "rope.scaling.high_freq_factor", c.rope_high_freq_factor);
    if (auto n = file.GetUint(a + "rope.scaling.original_context_length"); n.ok()) {
      c.rope_original_context = static_cast<uint32_t>(*n);
    }
  }
  const model::GgufTensor* embd = file.FindTensor("token_embd.weight");
  if (embd == nullptr || embd->dims.size() != 2 || embd->dims[0] != c.embedding) {
    return Status::InvalidArgument("token_embd.weight is missing or not [hidden, vocab]");
  }
  c.vocab_size = static_cast<uint32_t>(embd->dims[1]);
  return c;
}

}  // namespace bastion::engine
