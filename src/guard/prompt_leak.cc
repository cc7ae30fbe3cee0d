#include "guard/prompt_leak.h"

#include <vector>

namespace bastion::guard {
namespace {

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

uint64_t HashWord(std::string_view w) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the case-folded bytes
  for (unsigned char c : w) {
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    h = (h ^ c) * 1099511628211ull;
  }
  return h;
}

uint64_t Combine(uint64_t seed, uint64_t h) { return (seed ^ h) * 0x9E3779B97F4A7C15ull + 1; }

template <typename Fn>
void ForEachWord(std::string_view text, Fn&& fn) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) fn(text.substr(start, i - start), start);
  }
}

}  // namespace

PromptLeakDetector::PromptLeakDetector(std::string_view system_prompt) {
  std::vector<uint64_t> words;
  ForEachWord(system_prompt, [&](std::string_view w, size_t) { words.push_back(HashWord(w)); });
  if (words.size() < kLeakWords) return;
  for (size_t i = 0; i + kShingleWords <= words.size(); ++i) {
    uint64_t h = 0;
    for (size_t k = 0; k < kShingleWords; ++k) h = Combine(h, words[i + k]);
    shingles_.insert(h);
  }
}

void PromptLeakDetector::Word(uint64_t hash, size_t start) {
  window_.emplace_back(hash, start);
  if (window_.size() > kShingleWords) window_.pop_front();
  if (window_.size() < kShingleWords) return;
  uint64_t h = 0;
  for (const auto& [word, offset] : window_) h = Combine(h, word);
  if (!shingles_.count(h)) {
    run_ = 0;
    return;
  }
  if (run_++ == 0) leak_start_ = window_.front().second;
  if (run_ + kShingleWords - 1 >= kLeakWords) leaked_ = true;
}

bool PromptLeakDetector::Feed(std::string_view piece) {
  if (!armed() || leaked_) return leaked_;
  size_t base = fed_;
  fed_ += piece.size();
  size_t i = 0;
  // Finish a word the previous piece cut.
  if (!partial_.empty()) {
    while (i < piece.size() && IsWordByte(static_cast<unsigned char>(piece[i]))) ++i;
    partial_.append(piece.substr(0, i));
    if (i == piece.size()) return false;
    Word(HashWord(partial_), partial_start_);
    partial_.clear();
  }
  std::string_view rest = piece.substr(i);
  size_t rest_base = base + i;
  ForEachWord(rest, [&](std::string_view w, size_t start) {
    if (start + w.size() == rest.size()) {  // may continue in the next piece
      partial_.assign(w);
      partial_start_ = rest_base + start;
      return;
    }
    Word(HashWord(w), rest_base + start);
  });
  return leaked_;
}

bool PromptLeakDetector::Finish() {
  if (armed() && !leaked_ && !partial_.empty()) Word(HashWord(partial_), partial_start_);
  partial_.clear();
  return leaked_;
}

}  // namespace bastion::guard
