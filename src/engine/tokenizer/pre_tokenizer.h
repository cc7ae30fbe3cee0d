#pragma once
// Splits text into the pieces byte-level BPE merges within, with the exact regular
// expressions of the reference tokenizers (compiled once with PCRE2's JIT).
// Thread-safe: Split may run on many threads at once.

#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bastion::engine {

enum class PreTokenizerKind {
  kQwen2,   // GGUF pre "qwen2", "deepseek-r1-qwen": digits one by one
  kLlama3,  // GGUF pre "llama-bpe" (Llama 3, R1-Distill-Llama): digits in runs of up to 3
};

// The kind a GGUF `tokenizer.ggml.pre` value names, or NotFound.
Result<PreTokenizerKind> PreTokenizerKindFromName(std::string_view name);

class PreTokenizer {
 public:
  static Result<PreTokenizer> Create(PreTokenizerKind kind);
  PreTokenizer(PreTokenizer&&) noexcept;
  PreTokenizer& operator=(PreTokenizer&&) noexcept;
  ~PreTokenizer();

  // Appends the pieces of `text` to `pieces`; they cover `text` exactly, in order, and view
  // into it. Bytes that are not valid UTF-8 become pieces of their own.
  void Split(std::string_view text, std::vector<std::string_view>& pieces) const;

 private:
  struct Regex;
  explicit PreTokenizer(std::unique_ptr<Regex> regex);
  std::unique_ptr<Regex> regex_;
};

}  // namespace bastion::engine
