#include "engine/model/transformer.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <thread>

#include "engine/kernels/matvec_fast.h"
#include "engine/kernels/q8_0_packed.h"
#include "engine/model/weight_lookup.h"

namespace bastion::engine {
namespace {

void RmsNorm(const float* x, std::span<const float> weight, float epsilon, float* out) {
  double sum = 0;
  for (size_t i = 0; i < weight.size(); ++i) sum += static_cast<double>(x[i]) * x[i];
  float scale = 1.0f / std::sqrt(static_cast<float>(sum / weight.size()) + epsilon);
  for (size_t i = 0; i < weight.size(); ++i) out[i] = x[i] * scale * weight[i];
}

// `v` with exactly n elements, keeping its allocation (contents unspecified).
std::vector<float>& Sized(std::vector<float>& v, size_t n) {
  v.resize(n);
  return v;
}

void AddBias(std::span<const float> bias, float* x) {
  for (size_t i = 0; i < bias.size(); ++i) x[i] += bias[i];
}

// Llama 3.1's frequency scaling: long wavelengths slowed by `factor`, short ones kept, a
// smooth blend between.
float ScaleLlama3(float freq, const ModelConfig& c) {
  float wavelength = 2 * std::numbers::pi_v<float> / freq;
  float original = static_cast<float>(c.rope_original_context);
  float high_wavelength = original / c.rope_high_freq_factor;
  float low_wavelength = original / c.rope_low_freq_factor;
  if (wavelength < high_wavelength) return freq;
  if (wavelength > low_wavelength) return freq / c.rope_scale_factor;
  float smooth = (original / wavelength - c.rope_low_freq_factor) /
                 (c.rope_high_freq_factor - c.rope_low_freq_factor);
  return (1 - smooth) * freq / c.rope_scale_factor + smooth * freq;
}

}  // namespace

KvCache::KvCache(const ModelConfig& config, size_t capacity)
    : capacity_(capacity),
      layers_(config.layers),
      width_(static_cast<size_t>(config.kv_heads) * config.head_dim),
      keys_(new float[layers_ * capacity * width_]),
      values_(new float[layers_ * capacity * width_]) {}

Result<std::unique_ptr<Transformer>> Transformer::Load(const model::GgufFile& file, size_t threads,
                                                       bool reference_kernels) {
  auto config = ModelConfigFromGguf(file);
  if (!config.ok()) return config.status();
  GgufTensorSource source(file);  // the weights point into the file, not into the index
  return Load(source, std::move(*config), threads, reference_kernels);
}

Result<std::unique_ptr<Transformer>> Transformer::Load(TensorSource& source, ModelConfig config,
                                                       size_t threads, bool reference_kernels) {
  std::unique_ptr<Transformer> t(new Transformer(std::move(config)));
  if (Status st = t->LoadWeights(source); !st.ok()) return st;
  const ModelConfig& c = t->config_;
  auto rope_factors = Vector(source, "rope_freqs.weight", c.head_dim / 2, /*required=*/false);
  if (!rope_factors.ok()) return rope_factors.status();
  for (uint32_t i = 0; i < c.head_dim / 2; ++i) {
    float freq = std::pow(c.rope_base, -2.0f * static_cast<float>(i) / c.head_dim);
    if (c.rope_scale_factor > 0 && c.rope_original_context > 0) freq = ScaleLlama3(freq, c);
    if (!rope_factors->empty()) freq /= (*rope_factors)[i];
    t->inv_freq_.push_back(freq);
  }
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  t->pool_ = std::make_unique<ThreadPool>(threads);
  t->reference_kernels_ = reference_kernels;
  if (!reference_kernels && HaveVnni()) t->PackWeights(source);
  return t;
}

void Transformer::PackWeights(TensorSource& source) {
  std::vector<WeightMatrix*> matrices{&output_};
  for (Layer& l : layers_) {
    for (WeightMatrix* m : {&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down}) matrices.push_back(m);
  }
  size_t total = 0;
  for (const WeightMatrix* m : matrices) total += CanPackQ8_0(*m) ? m->rows * RowBytes(*m) : 0;
  if (total == 0) return;
  const bool tied = output_.data.data() == embedding_.data.data();
  packed_.reset(new uint8_t[total]);  // not zeroed: packing writes every byte
  uint8_t* next = packed_.get();
  for (WeightMatrix* m : matrices) {
    if (!CanPackQ8_0(*m)) continue;
    const WeightMatrix original = *m;
    const size_t bytes = m->rows * RowBytes(*m);
    pool_->ParallelFor(m->rows / kPackedQ8_0Rows, [&](size_t begin, size_t end) {
      PackQ8_0Groups(original, begin, end, next);
    });
    m->data = std::span<const uint8_t>(next, bytes);
    m->layout = WeightLayout::kQ8_0x16;
    next += bytes;
    source.ReleaseBytes(original.data);
  }
  if (tied && output_.layout == WeightLayout::kQ8_0x16) embedding_ = output_;  // rows read packed
}

Status Transformer::LoadWeights(const TensorSource& source) {
  const ModelConfig& c = config_;
  const size_t kv = static_cast<size_t>(c.kv_heads) * c.head_dim;
  WeightLoader w(source);
  embedding_ = w.Matrix("token_embd.weight", c.vocab_size, c.embedding);
  output_norm_ = w.Norm("output_norm.weight", c.embedding);
  // Untied models (R1-Distill-Qwen) have their own output matrix; tied ones reuse the embedding.
  output_ = source.Find("output.weight") != nullptr
                ? w.Matrix("output.weight", c.vocab_size, c.embedding)
                : embedding_;
  for (uint32_t i = 0; i < c.layers; ++i) {
    const std::string p = "blk." + std::to_string(i) + ".";
    Layer l;
    l.attn_norm = w.Norm(p + "attn_norm.weight", c.embedding);
    l.ffn_norm = w.Norm(p + "ffn_norm.weight", c.embedding);
    l.q = w.Matrix(p + "attn_q.weight", c.embedding, c.embedding);
    l.k = w.Matrix(p + "attn_k.weight", kv, c.embedding);
    l.v = w.Matrix(p + "attn_v.weight", kv, c.embedding);
    l.o = w.Matrix(p + "attn_output.weight", c.embedding, c.embedding);
    l.gate = w.Matrix(p + "ffn_gate.weight", c.feed_forward, c.embedding);
    l.up = w.Matrix(p + "ffn_up.weight", c.feed_forward, c.embedding);
    l.down = w.Matrix(p + "ffn_down.weight", c.embedding, c.feed_forward);
    l.q_bias = w.OptionalNorm(p + "attn_q.bias", c.embedding);
    l.k_bias = w.OptionalNorm(p + "attn_k.bias", kv);
    l.v_bias = w.OptionalNorm(p + "attn_v.bias", kv);
    layers_.push_back(l);
  }
  return w.status();
}

void Transformer::Rope(float* vec, size_t heads, size_t pos) const {
  const size_t half = config_.head_dim / 2;
  for (size_t i = 0; i < half; ++i) {
    float angle = static_cast<float>(pos) * inv_freq_[i];
    float cos = std::cos(angle), sin = std::sin(angle);
    for (size_t h = 0; h < heads; ++h) {
      float* head = vec + h * config_.head_dim;
      bool interleaved = config_.rope_style == RopeStyle::kInterleaved;
      float& a = interleaved ? head[2 * i] : head[i];
      float& b = interleaved ? head[2 * i + 1] : head[i + half];
      float x0 = a, x1 = b;
      a = x0 * cos - x1 * sin;
      b = x0 * sin + x1 * cos;
    }
  }
}

void Transformer::Attention(const Layer& l, size_t layer, std::span<const BatchToken> batch,
                            float* x) const {
  const ModelConfig& c = config_;
  const size_t count = batch.size();
  const size_t hd = c.head_dim, e = c.embedding, kv = static_cast<size_t>(c.kv_heads) * hd;
  Scratch& s = scratch_;
  auto& xb = Sized(s.xb, count * e);
  auto& q = Sized(s.q, count * e);
  auto& k = Sized(s.k, count * kv);
  auto& v = Sized(s.v, count * kv);
  auto& out = Sized(s.out, count * e);
  auto& delta = Sized(s.delta, count * e);
  for (size_t b = 0; b < count; ++b) {
    RmsNorm(x + b * e, l.attn_norm, c.rms_epsilon, xb.data() + b * e);
  }
  const Product qkv[] = {{&l.q, q.data()}, {&l.k, k.data()}, {&l.v, v.data()}};
  MatMulShared(qkv, xb.data(), count, *pool_, reference_kernels_);
  for (size_t b = 0; b < count; ++b) {  // keys and values of the whole batch go in first
    const BatchToken& t = batch[b];
    float* qb = q.data() + b * e;
    float* kb = t.cache->Key(layer, t.pos);
    float* vb = t.cache->Value(layer, t.pos);
    std::copy_n(k.data() + b * kv, kv, kb);
    std::copy_n(v.data() + b * kv, kv, vb);
    AddBias(l.q_bias, qb);
    AddBias(l.k_bias, kb);
    AddBias(l.v_bias, vb);
    Rope(qb, c.heads, t.pos);
    Rope(kb, c.kv_heads, t.pos);
  }
  Attend(layer, batch, q.data(), out.data());
  MatMul(l.o, out.data(), delta.data(), count, *pool_, reference_kernels_);
  for (size_t i = 0; i < count * e; ++i) x[i] += delta[i];
}

void Transformer::Attend(size_t layer, std::span<const BatchToken> batch, const float* q,
                         float* out) const {
  const size_t heads = config_.heads, hd = config_.head_dim, e = config_.embedding;
  pool_->ParallelFor(batch.size() * heads, [&](size_t begin, size_t end) {
    thread_local std::vector<float> scores;
    for (size_t job = begin; job < end; ++job) {
      const size_t b = job / heads, h = job % heads;
      AttendHead(layer, batch[b].pos, *batch[b].cache, h, q + b * e + h * hd, out + b * e + h * hd,
                 scores);
    }
  });
}

void Transformer::AttendHead(size_t layer, size_t pos, const KvCache& cache, size_t head,
                             const float* q, float* out, std::vector<float>& scores) const {
  const ModelConfig& c = config_;
  const size_t hd = c.head_dim;
  const size_t kvh = head / (c.heads / c.kv_heads);
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  scores.resize(pos + 1);
  for (size_t t = 0; t <= pos; ++t) {
    scores[t] = DotF32(q, cache.Key(layer, t) + kvh * hd, hd, reference_kernels_) * scale;
  }
  const float max = *std::max_element(scores.begin(), scores.end());
  float sum = 0;
  for (float& s : scores) sum += (s = std::exp(s - max));
  std::fill(out, out + hd, 0.0f);
  for (size_t t = 0; t <= pos; ++t) {
    const float* vt = cache.Value(layer, t) + kvh * hd;
    const float a = scores[t] / sum;
    for (size_t i = 0; i < hd; ++i) out[i] += a * vt[i];
  }
}

void Transformer::FeedForward(const Layer& l, size_t count, float* x) const {
  const ModelConfig& c = config_;
  const size_t e = c.embedding, ff = c.feed_forward;
  Scratch& s = scratch_;
  auto& xb = Sized(s.xb, count * e);
  auto& gate = Sized(s.gate, count * ff);
  auto& up = Sized(s.up, count * ff);
  auto& delta = Sized(s.delta, count * e);
  for (size_t b = 0; b < count; ++b)
    RmsNorm(x + b * e, l.ffn_norm, c.rms_epsilon, xb.data() + b * e);
  const Product gate_up[] = {{&l.gate, gate.data()}, {&l.up, up.data()}};
  MatMulShared(gate_up, xb.data(), count, *pool_, reference_kernels_);
  pool_->ParallelFor(count * ff, [&](size_t begin, size_t end) {  // a prompt chunk's are many
    for (size_t i = begin; i < end; ++i) {
      gate[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];  // SiLU(gate) * up
    }
  });
  MatMul(l.down, gate.data(), delta.data(), count, *pool_, reference_kernels_);
  for (size_t i = 0; i < count * e; ++i) x[i] += delta[i];
}

void Transformer::Forward(TokenId token, size_t pos, KvCache& cache, float* logits) const {
  BatchToken t{token, pos, &cache, true};
  Step(std::span<const BatchToken>(&t, 1), logits);
}

void Transformer::Prefill(std::span<const TokenId> tokens, size_t start, KvCache& cache,
                          float* logits) const {
  std::vector<BatchToken> batch;
  for (size_t done = 0; done < tokens.size();) {
    const size_t count = std::min(kMaxBatch, tokens.size() - done);
    batch.clear();
    for (size_t b = 0; b < count; ++b) {
      batch.push_back({tokens[done + b], start + done + b, &cache, done + b + 1 == tokens.size()});
    }
    Step(batch, logits);
    done += count;
  }
}

void Transformer::Step(std::span<const BatchToken> batch, float* logits) const {
  const ModelConfig& c = config_;
  const size_t e = c.embedding, count = batch.size();
  std::vector<float>& x = Sized(scratch_.x, count * e);
  for (size_t b = 0; b < count; ++b) {
    DequantizeRow(embedding_, static_cast<size_t>(batch[b].token), x.data() + b * e);
  }
  for (size_t i = 0; i < layers_.size(); ++i) {
    Attention(layers_[i], i, batch, x.data());
    FeedForward(layers_[i], count, x.data());
    if (observer_) observer_(i, batch, x.data());
  }
  std::vector<float>& xb = scratch_.norm_out;
  xb.clear();
  for (size_t b = 0; b < count; ++b) {
    if (!batch[b].logits) continue;
    const size_t row = xb.size() / e;
    xb.resize(xb.size() + e);
    RmsNorm(x.data() + b * e, output_norm_, c.rms_epsilon, xb.data() + row * e);
  }
  if (xb.empty()) return;
  const size_t rows = xb.size() / e;
  if (rows == 1) {
    MatVec(output_, xb.data(), logits, *pool_, reference_kernels_);
  } else {
    MatMul(output_, xb.data(), logits, rows, *pool_, reference_kernels_);
  }
}

}  // namespace bastion::engine
