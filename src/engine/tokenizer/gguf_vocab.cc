#include "engine/tokenizer/gguf_vocab.h"

namespace bastion::engine {
namespace {

constexpr int32_t kMaxTokenType = static_cast<int32_t>(TokenType::kByte);

Status ReadTypes(const model::GgufFile& file, Vocab& vocab) {
  auto types = file.GetIntArray("tokenizer.ggml.token_type");
  if (!types.ok()) {
    return types.status().code() == StatusCode::kNotFound ? Status::Ok() : types.status();
  }
  if (types->size() != vocab.tokens.size()) {
    return Status::InvalidArgument("tokenizer.ggml.token_type has " +
                                   std::to_string(types->size()) + " entries for " +
                                   std::to_string(vocab.tokens.size()) + " tokens");
  }
  vocab.types.reserve(types->size());
  for (int64_t t : *types) {
    bool known = t >= 0 && t <= kMaxTokenType;
    vocab.types.push_back(known ? static_cast<TokenType>(t) : TokenType::kUndefined);
  }
  return Status::Ok();
}

Status ReadSpecialId(const model::GgufFile& file, std::string_view key, size_t count,
                     std::optional<TokenId>& out) {
  auto id = file.GetInt(key);
  if (!id.ok()) return id.status().code() == StatusCode::kNotFound ? Status::Ok() : id.status();
  if (*id == -1 || *id == 0xFFFFFFFF) return Status::Ok();  // converters' "no such token"
  if (*id < 0 || static_cast<uint64_t>(*id) >= count) {
    return Status::InvalidArgument(std::string(key) + " = " + std::to_string(*id) +
                                   " is not a token id (the vocabulary has " +
                                   std::to_string(count) + ")");
  }
  out = static_cast<TokenId>(*id);
  return Status::Ok();
}

}  // namespace

Result<Vocab> VocabFromGguf(const model::GgufFile& file) {
  Vocab vocab;
  auto model = file.GetString("tokenizer.ggml.model");
  if (!model.ok()) return model.status();
  vocab.model = *model;
  if (auto pre = file.GetString("tokenizer.ggml.pre"); pre.ok()) vocab.pre = *pre;
  auto tokens = file.GetStringArray("tokenizer.ggml.tokens");
  if (!tokens.ok()) return tokens.status();
  if (tokens->empty() || tokens->size() > (1u << 24)) {
    return Status::InvalidArgument("tokenizer.ggml.tokens holds " + std::to_string(tokens->size()) +
                                   " tokens");
  }
  vocab.tokens.assign(tokens->begin(), tokens->end());
  if (Status st = ReadTypes(file, vocab); !st.ok()) return st;
  if (auto scores = file.GetFloatArray("tokenizer.ggml.scores"); scores.ok()) {
    if (scores->size() != vocab.tokens.size()) {
      return Status::InvalidArgument("tokenizer.ggml.scores does not have one score per token");
    }
    vocab.scores = std::move(*scores);
  }
  if (auto merges = file.GetStringArray("tokenizer.ggml.merges"); merges.ok()) {
    vocab.merges.assign(merges->begin(), merges->end());
  }
  const size_t n = vocab.tokens.size();
  for (auto [key, slot] : {std::pair{"tokenizer.ggml.bos_token_id", &vocab.bos},
                           std::pair{"tokenizer.ggml.eos_token_id", &vocab.eos},
                           std::pair{"tokenizer.ggml.unknown_token_id", &vocab.unknown},
                           std::pair{"tokenizer.ggml.padding_token_id", &vocab.padding}}) {
    if (Status st = ReadSpecialId(file, key, n, *slot); !st.ok()) return st;
  }
  // SentencePiece models start with BOS unless told otherwise; BPE ones only when told.
  vocab.add_bos = vocab.model == "llama";
  if (auto add_bos = file.GetBool("tokenizer.ggml.add_bos_token"); add_bos.ok()) {
    vocab.add_bos = *add_bos;
  }
  return vocab;
}

}  // namespace bastion::engine
