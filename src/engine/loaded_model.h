#pragma once
// A model opened for the engine: its mapped file(s), vocabulary and tokenizer, and (unless
// only the tokenizer is wanted) the transformer whose weights point into the file(s).
// Immutable once loaded; the parts may be used from many threads.

#include <memory>
#include <string>

#include "common/status.h"
#include "engine/model/generation_defaults.h"
#include "engine/model/tensor_source.h"
#include "engine/model/transformer.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/vocab.h"
#include "model/gguf/gguf_file.h"

namespace bastion::engine {

struct LoadedModel {
  std::unique_ptr<TensorSource> tensors;  // the file(s), mapped; the weights point into them
  std::string name;             // an id for APIs: from the metadata, else the file or folder name
  std::string chat_template;    // as the file states it (data only; never executed)
  GenerationDefaults defaults;  // generation_config.json's, for Hugging Face folders
  Vocab vocab;
  std::unique_ptr<Tokenizer> tokenizer;      // null when loaded for the weights only
  std::unique_ptr<Transformer> transformer;  // null when loaded for the tokenizer only
};

enum class LoadParts {
  kTokenizer,
  kWeights,  // benchmarks of random-weight files, which carry no vocabulary
  kTokenizerAndWeights,
};

// `path`: a GGUF file, or a Hugging Face folder (config.json, tokenizer.json, safetensors).
// Errors name the file and what is wrong with it. `threads` 0: one per core.
// `reference_kernels`: see Transformer::Load. `quantize_q8_0`: a folder's F16/BF16/F32
// matrices are converted to Q8_0 at load (GGUF files are used as they are).
Result<std::unique_ptr<LoadedModel>> LoadModel(const std::string& path, LoadParts parts,
                                               size_t threads = 0, bool reference_kernels = false,
                                               bool quantize_q8_0 = false);

}  // namespace bastion::engine
