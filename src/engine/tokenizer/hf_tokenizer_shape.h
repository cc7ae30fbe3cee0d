#pragma once
// Which of the engine's tokenizers a tokenizer.json describes, from its normalizer,
// pre-tokenizer, decoder and BPE options (internal to hf_tokenizer_json.cc). Only shapes the
// engine reproduces are accepted; anything else is refused naming what the file holds.

#include <string>

#include "common/status.h"
#include "engine/hf_json.h"

namespace bastion::engine {

struct HfTokenizerShape {
  std::string model;           // Vocab.model: "gpt2" or "llama"
  std::string pre;             // gpt2: "qwen2" or "llama-bpe" (refined from the BOS by the caller)
  bool byte_fallback = false;  // llama: <0xXX> tokens stand for bytes
};

// `root` is tokenizer.json's top level, `model` its "model" object.
Result<HfTokenizerShape> ReadTokenizerShape(JsonFields& root, JsonFields& model);

}  // namespace bastion::engine
