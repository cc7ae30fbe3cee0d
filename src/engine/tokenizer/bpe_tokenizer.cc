#include "engine/tokenizer/bpe_tokenizer.h"

#include <queue>

#include "engine/tokenizer/byte_level.h"

namespace bastion::engine {

Result<BpeTokenizer> BpeTokenizer::Create(const Vocab& vocab) {
  if (vocab.model != "gpt2") {
    return Status::InvalidArgument("tokenizer model '" + vocab.model +
                                   "' is not byte-level BPE ('gpt2')");
  }
  auto kind = PreTokenizerKindFromName(vocab.pre);
  if (!kind.ok()) return kind.status();
  auto pre = PreTokenizer::Create(*kind);
  if (!pre.ok()) return pre.status();
  BpeTokenizer t(std::move(*pre), SpecialTokens::FromVocab(vocab));
  t.whole_word_first_ = *kind == PreTokenizerKind::kLlama3;
  if (Status st = t.Index(vocab); !st.ok()) return st;
  return t;
}

Status BpeTokenizer::Index(const Vocab& vocab) {
  if (!vocab.types.empty() && vocab.types.size() != vocab.tokens.size()) {
    return Status::InvalidArgument("tokenizer has " + std::to_string(vocab.tokens.size()) +
                                   " tokens but " + std::to_string(vocab.types.size()) +
                                   " token types");
  }
  tokens_ = vocab.tokens;
  types_ = vocab.types;
  types_.resize(tokens_.size(), TokenType::kNormal);
  ids_.reserve(tokens_.size());
  for (size_t i = 0; i < tokens_.size(); ++i) ids_.emplace(tokens_[i], static_cast<TokenId>(i));
  for (int b = 0; b < 256; ++b) {
    std::string ch;
    AppendByteLevel(std::string_view(reinterpret_cast<const char*>(&b), 1), ch);
    auto it = ids_.find(ch);
    if (it == ids_.end()) {
      return Status::InvalidArgument("byte-level vocabulary lacks the token for byte " +
                                     std::to_string(b));
    }
    byte_ids_[b] = it->second;
  }
  merges_.reserve(vocab.merges.size());
  for (size_t rank = 0; rank < vocab.merges.size(); ++rank) {
    const std::string& m = vocab.merges[rank];
    size_t space = m.find(' ', 1);
    auto left = ids_.find(m.substr(0, space));
    auto right = space == std::string::npos ? ids_.end() : ids_.find(m.substr(space + 1));
    auto merged = space == std::string::npos ? ids_.end()
                                             : ids_.find(m.substr(0, space) + m.substr(space + 1));
    if (left == ids_.end() || right == ids_.end() || merged == ids_.end()) {
      return Status::InvalidArgument("merge " + std::to_string(rank) + " ('" + m +
                                     "') does not join two tokens into a token");
    }
    // The first occurrence of a pair is its rank, as in the reference implementation.
    merges_.emplace(PairKey(left->second, right->second),
                    Merge{static_cast<int32_t>(rank), merged->second});
  }
  return Status::Ok();
}

std::vector<TokenId> BpeTokenizer::Encode(std::string_view text, bool parse_special) const {
  std::vector<TokenId> out;
  std::vector<SpecialTokens::Segment> segments;
  special_.Split(text, parse_special, segments);
  std::vector<std::string_view> pieces;
  for (const auto& segment : segments) {
    if (segment.id >= 0) {
      out.push_back(segment.id);
      continue;
    }
    pieces.clear();
    pre_.Split(segment.text, pieces);
    for (std::string_view piece : pieces) EncodePiece(piece, out);
  }
  return out;
}

void BpeTokenizer::EncodePiece(std::string_view piece, std::vector<TokenId>& out) const {
  if (whole_word_first_) {
    std::string level;
    AppendByteLevel(piece, level);
    if (auto it = ids_.find(level); it != ids_.end()) {
      out.push_back(it->second);
      return;
    }
  }
  std::vector<TokenId> symbols;
  symbols.reserve(piece.size());
  for (unsigned char b : piece) symbols.push_back(byte_ids_[b]);
  MergeSymbols(symbols);
  out.insert(out.end(), symbols.begin(), symbols.end());
}

void BpeTokenizer::MergeSymbols(std::vector<TokenId>& symbols) const {
  // A doubly linked list over `symbols` and a heap of candidate merges ordered by rank, then
  // position (leftmost first, as the reference does). Stale candidates are skipped when
  // popped: O(n log n) for a piece of n bytes, so a megabyte of spaces stays cheap.
  const int n = static_cast<int>(symbols.size());
  if (n < 2) return;
  std::vector<int> prev(n), next(n);
  for (int i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  struct Candidate {
    int32_t rank;
    int left;
    TokenId left_id, right_id;
    bool operator>(const Candidate& o) const {
      return rank != o.rank ? rank > o.rank : left > o.left;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
  auto consider = [&](int left) {
    if (left < 0 || next[left] < 0) return;
    auto it = merges_.find(PairKey(symbols[left], symbols[next[left]]));
    if (it != merges_.end()) heap.push({it->second.rank, left, symbols[left], symbols[next[left]]});
  };
  for (int i = 0; i + 1 < n; ++i) consider(i);
  std::vector<bool> gone(n, false);
  while (!heap.empty()) {
    Candidate c = heap.top();
    heap.pop();
    int right = next[c.left];
    if (gone[c.left] || right < 0 || symbols[c.left] != c.left_id || symbols[right] != c.right_id) {
      continue;  // one side was merged away since
    }
    symbols[c.left] = merges_.at(PairKey(c.left_id, c.right_id)).merged;
    gone[right] = true;
    next[c.left] = next[right];
    if (next[right] >= 0) prev[next[right]] = c.left;
    consider(prev[c.left]);
    consider(c.left);
  }
  int w = 0;
  for (int i = 0; i < n; ++i) {
    if (!gone[i]) symbols[w++] = symbols[i];
  }
  symbols.resize(w);
}

std::string BpeTokenizer::Decode(TokenId id) const {
  if (id < 0 || static_cast<size_t>(id) >= tokens_.size()) return {};
  const std::string& text = tokens_[id];
  TokenType type = types_[id];
  if (type == TokenType::kControl || type == TokenType::kUserDefined) return text;
  std::string bytes;
  if (!AppendBytesOfByteLevel(text, bytes)) return text;
  return bytes;
}

}  // namespace bastion::engine
