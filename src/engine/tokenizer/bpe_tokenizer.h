#pragma once
// Byte-level BPE (GPT-2 style, as Qwen2, Llama 3 and DeepSeek use): special tokens are cut
// out of the text first, the rest is split by the pre-tokenizer, each piece is mapped to the
// byte-level alphabet and merged pair by pair in the order of the vocabulary's merge list.
// Immutable after Create; Encode and Decode may run on many threads at once.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "engine/tokenizer/pre_tokenizer.h"
#include "engine/tokenizer/special_tokens.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/vocab.h"

namespace bastion::engine {

class BpeTokenizer : public Tokenizer {
 public:
  // Checks the vocabulary: model "gpt2", a known pre-tokenizer, every merge naming two
  // tokens whose concatenation is a token, the 256 byte-level characters present.
  static Result<BpeTokenizer> Create(const Vocab& vocab);

  // Token ids of `text` (no BOS). User-defined tokens (<think>) are always matched;
  // control tokens (<｜User｜>) only when `parse_special`.
  std::vector<TokenId> Encode(std::string_view text, bool parse_special) const override;
  // The bytes token `id` stands for (may be part of a UTF-8 character); empty if unknown.
  std::string Decode(TokenId id) const override;
  size_t size() const override { return tokens_.size(); }

 private:
  struct Merge {
    int32_t rank;
    TokenId merged;
  };
  static uint64_t PairKey(TokenId left, TokenId right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }

  BpeTokenizer(PreTokenizer pre, SpecialTokens special)
      : pre_(std::move(pre)), special_(std::move(special)) {}
  Status Index(const Vocab& vocab);
  void EncodePiece(std::string_view piece, std::vector<TokenId>& out) const;
  void MergeSymbols(std::vector<TokenId>& symbols) const;

  PreTokenizer pre_;
  SpecialTokens special_;
  std::vector<std::string> tokens_;
  std::vector<TokenType> types_;
  std::unordered_map<std::string, TokenId> ids_;
  std::unordered_map<uint64_t, Merge> merges_;
  TokenId byte_ids_[256] = {};     // the token of each byte's byte-level character
  bool whole_word_first_ = false;  // Llama 3's ignore_merges: a piece in the vocab is one token
};

}  // namespace bastion::engine
