#include "engine/tokenizer/spm_tokenizer.h"

#include <cstdio>
#include <queue>

namespace bastion::engine {
namespace {

constexpr std::string_view kSpace = "\xE2\x96\x81";  // ▁ U+2581

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// "<0x41>" -> "A"; anything else -> "".
std::string DecodeByteToken(std::string_view text) {
  if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return {};
  int hi = HexDigit(text[3]), lo = HexDigit(text[4]);
  if (hi < 0 || lo < 0) return {};
  return std::string(1, static_cast<char>(hi * 16 + lo));
}

size_t Utf8Length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}

}  // namespace

Result<std::unique_ptr<SpmTokenizer>> SpmTokenizer::Create(const Vocab& vocab) {
  if (vocab.model != "llama") {
    return Status::InvalidArgument("tokenizer model '" + vocab.model +
                                   "' is not SentencePiece BPE ('llama')");
  }
  if (vocab.scores.size() != vocab.tokens.size() ||
      (!vocab.types.empty() && vocab.types.size() != vocab.tokens.size())) {
    return Status::InvalidArgument("SentencePiece vocabulary needs one score and type per token");
  }
  std::unique_ptr<SpmTokenizer> t(new SpmTokenizer());
  t->tokens_ = vocab.tokens;
  t->types_ = vocab.types;
  t->types_.resize(t->tokens_.size(), TokenType::kNormal);
  t->scores_ = vocab.scores;
  t->special_ = SpecialTokens::FromVocab(vocab);
  for (size_t i = 0; i < t->tokens_.size(); ++i) {
    t->ids_.emplace(t->tokens_[i], static_cast<TokenId>(i));
  }
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    t->byte_ids_[b] = t->Find(name);
  }
  return t;
}

TokenId SpmTokenizer::Find(std::string_view text) const {
  auto it = ids_.find(std::string(text));
  return it == ids_.end() ? -1 : it->second;
}

std::vector<TokenId> SpmTokenizer::Encode(std::string_view text, bool parse_special) const {
  std::vector<TokenId> out;
  std::vector<SpecialTokens::Segment> segments;
  special_.Split(text, parse_special, segments);
  bool first = true;
  for (const auto& segment : segments) {
    if (segment.id >= 0) {
      out.push_back(segment.id);
    } else {
      // As llama.cpp and SentencePiece do: one leading space for the text's first segment.
      std::string escaped = add_space_prefix_ && first ? std::string(kSpace) : std::string();
      for (char c : segment.text) {
        if (c == ' ')
          escaped.append(kSpace);
        else
          escaped += c;
      }
      EncodeText(escaped, out);
    }
    first = false;
  }
  return out;
}

void SpmTokenizer::EncodeText(std::string_view text, std::vector<TokenId>& out) const {
  struct Symbol {
    size_t start, len;
    int prev, next;
  };
  std::vector<Symbol> symbols;
  for (size_t i = 0; i < text.size();) {
    size_t len = std::min(Utf8Length(static_cast<unsigned char>(text[i])), text.size() - i);
    int index = static_cast<int>(symbols.size());
    symbols.push_back({i, len, index - 1, -1});
    if (index > 0) symbols[index - 1].next = index;
    i += len;
  }
  struct Bigram {
    float score;
    int left;
    size_t len;  // joined length when pushed: a stale entry no longer matches
    bool operator<(const Bigram& o) const {
      return score != o.score ? score < o.score : left > o.left;  // best score, then leftmost
    }
  };
  std::priority_queue<Bigram> heap;
  auto consider = [&](int left) {
    if (left < 0 || symbols[left].next < 0) return;
    const Symbol& a = symbols[left];
    size_t len = a.len + symbols[a.next].len;
    TokenId id = Find(text.substr(a.start, len));
    if (id >= 0) heap.push({scores_[id], left, len});
  };
  for (int i = 0; i + 1 < static_cast<int>(symbols.size()); ++i) consider(i);
  while (!heap.empty()) {
    Bigram b = heap.top();
    heap.pop();
    Symbol& a = symbols[b.left];
    if (a.len == 0 || a.next < 0 || a.len + symbols[a.next].len != b.len) continue;
    Symbol& right = symbols[a.next];
    a.len += right.len;
    right.len = 0;
    a.next = right.next;
    if (a.next >= 0) symbols[a.next].prev = b.left;
    consider(a.prev);
    consider(b.left);
  }
  for (int i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[i].next) {
    AppendSymbol(text.substr(symbols[i].start, symbols[i].len), out);
  }
}

void SpmTokenizer::AppendSymbol(std::string_view symbol, std::vector<TokenId>& out) const {
  if (TokenId id = Find(symbol); id >= 0) {
    out.push_back(id);
    return;
  }
  for (unsigned char b : symbol) {  // byte fallback; a vocabulary without it loses the byte
    if (byte_ids_[b] >= 0) out.push_back(byte_ids_[b]);
  }
}

std::string SpmTokenizer::Decode(TokenId id) const {
  if (id < 0 || static_cast<size_t>(id) >= tokens_.size()) return {};
  const std::string& text = tokens_[id];
  switch (types_[id]) {
    case TokenType::kControl:
    case TokenType::kUnknown:
      return {};
    case TokenType::kByte:
      return DecodeByteToken(text);
    default: {
      std::string out;
      for (size_t i = 0; i < text.size();) {
        if (text.compare(i, kSpace.size(), kSpace) == 0) {
          out += ' ';
          i += kSpace.size();
        } else {
          out += text[i++];
        }
      }
      return out;
    }
  }
}

}  // namespace bastion::engine
