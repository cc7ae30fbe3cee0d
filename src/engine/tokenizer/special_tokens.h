#pragma once
// Cuts a vocabulary's added tokens out of text before BPE sees it: user-defined tokens
// (<think>) always, control tokens (<｜User｜>) only when the caller parses special tokens,
// so text a user typed cannot smuggle in a turn marker. Longest match wins.

#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/vocab.h"

namespace bastion::engine {

class SpecialTokens {
 public:
  struct Segment {
    std::string_view text;  // plain text, when id < 0
    TokenId id = -1;
  };

  static SpecialTokens FromVocab(const Vocab& vocab);

  // Appends the segments of `text`, in order; plain segments are never empty.
  void Split(std::string_view text, bool parse_control, std::vector<Segment>& out) const;
  bool empty() const { return count_ == 0; }

 private:
  struct Entry {
    std::string text;
    TokenId id;
    bool control;
  };
  // Entries by first byte, longest first.
  std::vector<Entry> by_first_byte_[256];
  size_t count_ = 0;
};

}  // namespace bastion::engine
