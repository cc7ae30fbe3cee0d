#pragma once
// The decoder the R1-Distill models share (Llama and Qwen2 blocks: RMSNorm, RoPE, grouped
// query attention, SwiGLU), with weights used in place from a GGUF file (Q8_0 ones repacked
// for AVX-512 VNNI where the CPU has it). Tokens run in
// batches that may mix sequences (a prompt's chunk, one decode token of each active
// request): each weight is read once per batch; the products run on the thread pool.
// Thread-safety: Forward is called by one thread at a time (it drives the pool); each
// sequence has its own KvCache.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/status.h"
#include "engine/kernels/matvec.h"
#include "engine/kernels/thread_pool.h"
#include "engine/model/model_config.h"
#include "engine/model/tensor_source.h"
#include "engine/tokenizer/vocab.h"
#include "model/gguf/gguf_file.h"

namespace bastion::engine {

// Keys and values of every position seen so far, per layer. The memory is reserved, not
// touched, at construction: a sequence's pages become resident as its positions fill.
class KvCache {
 public:
  KvCache(const ModelConfig& config, size_t capacity);
  size_t capacity() const { return capacity_; }
  size_t bytes() const { return 2 * layers_ * capacity_ * width_ * sizeof(float); }
  float* Key(size_t layer, size_t pos) { return &keys_[(layer * capacity_ + pos) * width_]; }
  float* Value(size_t layer, size_t pos) { return &values_[(layer * capacity_ + pos) * width_]; }
  const float* Key(size_t layer, size_t pos) const {
    return &keys_[(layer * capacity_ + pos) * width_];
  }
  const float* Value(size_t layer, size_t pos) const {
    return &values_[(layer * capacity_ + pos) * width_];
  }

 private:
  size_t capacity_;
  size_t layers_;
  size_t width_;  // kv_heads * head_dim
  std::unique_ptr<float[]> keys_, values_;
};

// One token of a batch: which sequence (its cache) and where in it.
struct BatchToken {
  TokenId token;
  size_t pos;  // REQUIRES: earlier positions of `cache` are filled, pos < capacity
  KvCache* cache;
  bool logits;  // whether this token's logits are wanted
};

class Transformer {
 public:
  // REQUIRES: `file` outlives the Transformer (weights are views into it).
  // `threads` 0: one per core. `reference_kernels` runs the exact portable kernels only
  // (for comparisons with other engines).
  static Result<std::unique_ptr<Transformer>> Load(const model::GgufFile& file, size_t threads = 0,
                                                   bool reference_kernels = false);
  // The same from any source of weights. REQUIRES: `source` outlives the Transformer.
  // On CPUs with AVX-512 VNNI (and without `reference_kernels`), Q8_0 matrices are repacked
  // for its kernels into memory the Transformer owns, and the source releases the originals.
  static Result<std::unique_ptr<Transformer>> Load(TensorSource& source, ModelConfig config,
                                                   size_t threads = 0,
                                                   bool reference_kernels = false);

  const ModelConfig& config() const { return config_; }
  size_t threads() const { return pool_->size(); }

  // Runs `token` at position `pos` (0-based; earlier positions must be in `cache`) and
  // writes vocab_size logits. REQUIRES: pos < cache.capacity().
  void Forward(TokenId token, size_t pos, KvCache& cache, float* logits) const;
  // Runs `tokens` at positions start, start+1, ... in chunks, each weight read once per
  // chunk, and writes the logits of the last one. The same result as calling Forward on each.
  // REQUIRES: !tokens.empty(), start + tokens.size() <= cache.capacity().
  void Prefill(std::span<const TokenId> tokens, size_t start, KvCache& cache, float* logits) const;
  // Runs every token of `batch` (tokens of one sequence in position order) and writes
  // vocab_size logits for each token that asks for them, in batch order.
  // REQUIRES: 0 < batch.size() <= kMaxBatch.
  void Step(std::span<const BatchToken> batch, float* logits) const;

  static constexpr size_t kMaxBatch = 32;

  // Called after every layer of every Step with the batch and its hidden states (batch.size()
  // x hidden), for comparisons layer by layer against other implementations. Set it before
  // running, not while another thread runs the model.
  using LayerObserver =
      std::function<void(size_t layer, std::span<const BatchToken> batch, const float* hidden)>;
  void SetLayerObserver(LayerObserver observer) { observer_ = std::move(observer); }

 private:
  struct Layer {
    std::span<const float> attn_norm, ffn_norm;
    WeightMatrix q, k, v, o, gate, up, down;
    std::span<const float> q_bias, k_bias, v_bias;  // qwen2 only
  };
  explicit Transformer(ModelConfig config) : config_(std::move(config)) {}
  Status LoadWeights(const TensorSource& source);
  // Q8_0 matrices regrouped for the VNNI kernels (q8_0_packed.h), on the pool.
  void PackWeights(TensorSource& source);
  // Both work on the batch's hidden states (batch.size() x hidden, row-major).
  void Attention(const Layer& l, size_t layer, std::span<const BatchToken> batch, float* x) const;
  void FeedForward(const Layer& l, size_t count, float* x) const;
  // Every batch token's query heads against its cache, on the pool (batch.size() x heads jobs).
  void Attend(size_t layer, std::span<const BatchToken> batch, const float* q, float* out) const;
  // One head of one query against positions 0..pos of the cache. `scores`: scratch space.
  void AttendHead(size_t layer, size_t pos, const KvCache& cache, size_t head, const float* q,
                  float* out, std::vector<float>& scores) const;
  void Rope(float* vec, size_t heads, size_t pos) const;

  ModelConfig config_;
  WeightMatrix embedding_{}, output_{};
  std::span<const float> output_norm_;
  std::vector<Layer> layers_;
  std::vector<float> inv_freq_;  // head_dim / 2 RoPE frequencies
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<uint8_t[]> packed_;  // the packed matrices' bytes
  bool reference_kernels_ = false;
  LayerObserver observer_;
  // Scratch space reused by every step (allocating megabytes per layer made the kernel zero
  // fresh pages on every call). Only the one thread that runs the model touches it.
  struct Scratch {
    std::vector<float> x, xb, q, k, v, out, delta, gate, up, norm_out;
  };
  mutable Scratch scratch_;
};

}  // namespace bastion::engine
