#pragma once
// What the engine needs of a tokenizer, whichever algorithm the model uses.
// Implementations are immutable after creation and thread-safe.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/tokenizer/vocab.h"

namespace bastion::engine {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Ids of `text`, without BOS. User-defined tokens (<think>) always match; control tokens
  // (<｜User｜>, <s>) only with `parse_special`.
  virtual std::vector<TokenId> Encode(std::string_view text, bool parse_special) const = 0;
  // The bytes of one token (possibly part of a UTF-8 character); control tokens give "".
  virtual std::string Decode(TokenId id) const = 0;
  virtual size_t size() const = 0;
};

// The tokenizer `vocab.model` names: "gpt2" (byte-level BPE) or "llama" (SentencePiece).
Result<std::unique_ptr<Tokenizer>> CreateTokenizer(const Vocab& vocab);

}  // namespace bastion::engine
