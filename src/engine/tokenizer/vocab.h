#pragma once
// A tokenizer vocabulary as model files state it (GGUF `tokenizer.ggml.*`, or tokenizer.json),
// before any index is built.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bastion::engine {

using TokenId = int32_t;

// GGUF's token types (llama.cpp's numbering).
enum class TokenType : int32_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,      // <｜User｜>, <｜end▁of▁sentence｜>: matched in text only when asked
  kUserDefined = 4,  // <think>: always matched in text
  kUnused = 5,
  kByte = 6,  // SentencePiece byte fallback: <0x41>
};

struct Vocab {
  std::string model;  // "gpt2" (byte-level BPE) or "llama" (SentencePiece BPE)
  std::string pre;    // pre-tokenizer name, e.g. "deepseek-r1-qwen"
  std::vector<std::string> tokens;
  std::vector<TokenType> types;     // empty, or one per token
  std::vector<float> scores;        // SentencePiece merge scores; empty for gpt2
  std::vector<std::string> merges;  // gpt2: "left right", best first
  std::optional<TokenId> bos, eos, unknown, padding;
  bool add_bos = false;  // prompts start with `bos`
};

}  // namespace bastion::engine
