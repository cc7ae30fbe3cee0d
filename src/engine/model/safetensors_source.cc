#include "engine/model/safetensors_source.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "engine/kernels/half.h"

namespace bastion::engine {
namespace {

using model::GgmlType;
using model::SafetensorsDtype;

constexpr std::pair<std::string_view, std::string_view> kLayerNames[] = {
    {"input_layernorm.weight", "attn_norm.weight"},
    {"post_attention_layernorm.weight", "ffn_norm.weight"},
    {"self_attn.q_proj.weight", "attn_q.weight"},
    {"self_attn.k_proj.weight", "attn_k.weight"},
    {"self_attn.v_proj.weight", "attn_v.weight"},
    {"self_attn.o_proj.weight", "attn_output.weight"},
    {"self_attn.q_proj.bias", "attn_q.bias"},
    {"self_attn.k_proj.bias", "attn_k.bias"},
    {"self_attn.v_proj.bias", "attn_v.bias"},
    {"mlp.gate_proj.weight", "ffn_gate.weight"},
    {"mlp.up_proj.weight", "ffn_up.weight"},
    {"mlp.down_proj.weight", "ffn_down.weight"},
};

float ElementAt(const model::SafetensorsTensor& t, size_t i) {
  uint16_t h;
  float f;
  switch (t.dtype) {
    case SafetensorsDtype::kF32:
      std::memcpy(&f, t.data.data() + 4 * i, 4);
      return f;
    case SafetensorsDtype::kF16:
      std::memcpy(&h, t.data.data() + 2 * i, 2);
      return F16ToFloat(h);
    default:  // kBF16, checked by the caller
      std::memcpy(&h, t.data.data() + 2 * i, 2);
      return Bf16ToFloat(h);
  }
}

// One row of floats as Q8_0 blocks: an F16 scale, then 32 int8 (llama.cpp's layout).
void QuantizeRowQ8_0(const float* x, size_t n, uint8_t* out) {
  for (size_t b = 0; b < n / 32; ++b, out += 34) {
    float amax = 0;
    for (size_t i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(x[b * 32 + i]));
    const float d = amax / 127.0f;
    const float inv = d > 0 ? 1.0f / d : 0.0f;
    const uint16_t scale = FloatToF16(d);
    std::memcpy(out, &scale, 2);
    for (size_t i = 0; i < 32; ++i) {
      out[2 + i] = static_cast<uint8_t>(static_cast<int8_t>(std::lround(x[b * 32 + i] * inv)));
    }
  }
}

}  // namespace

std::string GgufNameOf(std::string_view hf) {
  if (hf == "model.embed_tokens.weight") return "token_embd.weight";
  if (hf == "model.norm.weight") return "output_norm.weight";
  if (hf == "lm_head.weight") return "output.weight";
  constexpr std::string_view kLayers = "model.layers.";
  if (!hf.starts_with(kLayers)) return "";
  hf.remove_prefix(kLayers.size());
  size_t dot = hf.find('.');
  uint32_t layer = 0;
  auto [end, ec] = std::from_chars(hf.data(), hf.data() + dot, layer);
  if (dot == std::string_view::npos || ec != std::errc() || end != hf.data() + dot) return "";
  std::string_view rest = hf.substr(dot + 1);
  for (auto [from, to] : kLayerNames) {
    if (rest == from) return "blk." + std::to_string(layer) + "." + std::string(to);
  }
  return "";
}

void SafetensorsSource::ReleaseBytes(std::span<const uint8_t> data) {
  for (std::vector<uint8_t>& owned : owned_) {
    if (owned.data() == data.data()) {
      std::vector<uint8_t>().swap(owned);  // frees it; the deque keeps the other buffers put
      return;
    }
  }
  if (model_) ReleaseMappedPages(data);  // a tensor used in place from the mapped files
}

std::span<const uint8_t> SafetensorsSource::Own(std::vector<uint8_t> bytes) {
  owned_.push_back(std::move(bytes));
  return owned_.back();
}

Status SafetensorsSource::Add(const model::SafetensorsTensor& t, const std::string& name,
                              bool quantize_q8_0) {
  const bool half = t.dtype == SafetensorsDtype::kF16 || t.dtype == SafetensorsDtype::kBF16;
  if (!half && t.dtype != SafetensorsDtype::kF32) {
    return Status::InvalidArgument("tensor '" + t.name + "' is " +
                                   std::string(model::SafetensorsDtypeName(t.dtype)) +
                                   "; the engine reads F32, F16 and BF16 checkpoints");
  }
  if (t.shape.empty() || t.shape.size() > 2) {
    return Status::InvalidArgument("tensor '" + t.name + "' has " + std::to_string(t.shape.size()) +
                                   " dimensions, expected 1 or 2");
  }
  const size_t cols = t.shape.back();
  const size_t rows = t.shape.size() == 2 ? t.shape[0] : 1;
  SourceTensor out{GgmlType::kF32, {}, {}};
  for (auto d = t.shape.rbegin(); d != t.shape.rend(); ++d) out.dims.push_back(*d);
  const bool matrix = t.shape.size() == 2;
  if (matrix && quantize_q8_0 && cols % 32 == 0) {
    std::vector<uint8_t> q(rows * cols / 32 * 34);
    std::vector<float> row(cols);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t i = 0; i < cols; ++i) row[i] = ElementAt(t, r * cols + i);
      QuantizeRowQ8_0(row.data(), cols, q.data() + r * cols / 32 * 34);
    }
    out.type = GgmlType::kQ8_0;
    out.data = Own(std::move(q));
  } else if (matrix && half && reinterpret_cast<uintptr_t>(t.data.data()) % 2 == 0) {
    out.type = t.dtype == SafetensorsDtype::kF16 ? GgmlType::kF16 : GgmlType::kBF16;
    out.data = t.data;  // in place
  } else {              // norms, biases, F32 and odd-aligned matrices: widened to aligned F32
    std::vector<uint8_t> f(rows * cols * sizeof(float));
    for (size_t i = 0; i < rows * cols; ++i) {
      float v = ElementAt(t, i);
      std::memcpy(f.data() + 4 * i, &v, 4);
    }
    out.data = Own(std::move(f));
  }
  if (out.data.data() != t.data.data()) ReleaseMappedPages(t.data);
  tensors_.emplace(name, std::move(out));
  return Status::Ok();
}

Result<std::unique_ptr<SafetensorsSource>> SafetensorsSource::Open(const std::string& dir,
                                                                   bool quantize_q8_0) {
  auto opened = model::SafetensorsModel::Open(dir);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<SafetensorsSource> source(new SafetensorsSource(std::move(*opened)));
  bool all_owned = true;
  for (const auto& shard : source->model_->shards()) {
    for (const auto& t : shard.tensors()) {
      if (t.name.ends_with("rotary_emb.inv_freq")) continue;  // recomputed from rope_theta
      std::string name = GgufNameOf(t.name);
      if (name.empty()) {
        return Status::InvalidArgument(dir + ": tensor '" + t.name +
                                       "' has no place in a Llama/Qwen2 decoder; refusing to "
                                       "run the model without it");
      }
      if (Status st = source->Add(t, name, quantize_q8_0); !st.ok()) {
        return Status::InvalidArgument(dir + ": " + st.message());
      }
      all_owned = all_owned && source->Find(name)->data.data() != t.data.data();
    }
  }
  if (all_owned) source->model_.reset();
  return source;
}

}  // namespace bastion::engine
