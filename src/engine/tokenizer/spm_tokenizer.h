#pragma once
// SentencePiece-style BPE (GGUF `tokenizer.ggml.model = llama`): spaces become "▁", a
// leading one is added, characters are merged pair by pair preferring the pair whose
// joined token scores highest, and characters without a token fall back to byte tokens
// (<0x41>). Immutable after Create; thread-safe.

#include <unordered_map>

#include "engine/tokenizer/special_tokens.h"
#include "engine/tokenizer/tokenizer.h"

namespace bastion::engine {

class SpmTokenizer : public Tokenizer {
 public:
  static Result<std::unique_ptr<SpmTokenizer>> Create(const Vocab& vocab);

  std::vector<TokenId> Encode(std::string_view text, bool parse_special) const override;
  std::string Decode(TokenId id) const override;
  size_t size() const override { return tokens_.size(); }

 private:
  SpmTokenizer() = default;
  void EncodeText(std::string_view text, std::vector<TokenId>& out) const;
  void AppendSymbol(std::string_view symbol, std::vector<TokenId>& out) const;
  TokenId Find(std::string_view text) const;

  std::vector<std::string> tokens_;
  std::vector<TokenType> types_;
  std::vector<float> scores_;
  std::unordered_map<std::string, TokenId> ids_;
  TokenId byte_ids_[256];
  SpecialTokens special_;
  bool add_space_prefix_ = true;
};

}  // namespace bastion::engine
