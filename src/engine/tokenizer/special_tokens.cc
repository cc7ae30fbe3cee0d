#include "engine/tokenizer/special_tokens.h"

#include <algorithm>

namespace bastion::engine {

SpecialTokens SpecialTokens::FromVocab(const Vocab& vocab) {
  SpecialTokens s;
  for (size_t i = 0; i < vocab.types.size() && i < vocab.tokens.size(); ++i) {
    TokenType type = vocab.types[i];
    if (type != TokenType::kControl && type != TokenType::kUserDefined) continue;
    const std::string& text = vocab.tokens[i];
    if (text.empty()) continue;
    auto first = static_cast<unsigned char>(text[0]);
    s.by_first_byte_[first].push_back({text, static_cast<TokenId>(i), type == TokenType::kControl});
    ++s.count_;
  }
  for (auto& entries : s.by_first_byte_) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.text.size() > b.text.size(); });
  }
  return s;
}

void SpecialTokens::Split(std::string_view text, bool parse_control,
                          std::vector<Segment>& out) const {
  size_t plain_start = 0;
  for (size_t i = 0; i < text.size();) {
    const Entry* hit = nullptr;
    if (count_ > 0) {
      for (const Entry& e : by_first_byte_[static_cast<unsigned char>(text[i])]) {
        if ((parse_control || !e.control) && text.substr(i, e.text.size()) == e.text) {
          hit = &e;
          break;
        }
      }
    }
    if (hit == nullptr) {
      ++i;
      continue;
    }
    if (i > plain_start) out.push_back({text.substr(plain_start, i - plain_start), -1});
    out.push_back({{}, hit->id});
    i += hit->text.size();
    plain_start = i;
  }
  if (plain_start < text.size()) out.push_back({text.substr(plain_start), -1});
}

}  // namespace bastion::engine
