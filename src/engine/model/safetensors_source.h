#pragma once
// A Hugging Face checkpoint's weights (model.safetensors, or a sharded index) as a
// TensorSource: Llama/Qwen2 names (model.layers.N.self_attn.q_proj.weight, ...) become GGUF
// names (blk.N.attn_q.weight, ...), shapes are given in GGUF order, 2-D F16/BF16 weights are
// used in place from the mapping, and norms and biases are widened to F32. With
// `quantize_q8_0`, every matrix is converted to Q8_0 at load (memory owned by the source).
// A tensor the architecture has no place for is an error: silently ignoring weights would
// run a different model than the one on disk.

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "engine/model/tensor_source.h"
#include "model/safetensors/safetensors_model.h"

namespace bastion::engine {

class SafetensorsSource : public TensorSource {
 public:
  static Result<std::unique_ptr<SafetensorsSource>> Open(const std::string& dir,
                                                         bool quantize_q8_0);
  void ReleaseBytes(std::span<const uint8_t> data) override;

 private:
  explicit SafetensorsSource(model::SafetensorsModel m) : model_(std::move(m)) {}
  Status Add(const model::SafetensorsTensor& t, const std::string& name, bool quantize_q8_0);
  std::span<const uint8_t> Own(std::vector<uint8_t> bytes);

  // The mapped files; released once every tensor was converted (--quantize q8_0), since
  // their pages would otherwise stay resident beside the converted copy.
  std::optional<model::SafetensorsModel> model_;
  std::deque<std::vector<uint8_t>> owned_;  // converted tensors; a deque never moves them
};

// "blk.3.attn_q.weight" for "model.layers.3.self_attn.q_proj.weight"; "" when the name has no
// place in a Llama/Qwen2 decoder.
std::string GgufNameOf(std::string_view hf_name);

}  // namespace bastion::engine
