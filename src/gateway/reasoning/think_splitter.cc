#include "gateway/reasoning/think_splitter.h"

namespace bastion::gateway {
namespace {

constexpr std::string_view kOpen = "<think>";
constexpr std::string_view kClose = "</think>";

// Length of the longest suffix of `text` that is a proper prefix of `tag`.
size_t PartialTagSuffix(std::string_view text, std::string_view tag) {
  for (size_t n = std::min(text.size(), tag.size() - 1); n > 0; --n) {
    if (text.substr(text.size() - n) == tag.substr(0, n)) return n;
  }
  return 0;
}

}  // namespace

ThinkSplitter::Piece ThinkSplitter::Feed(std::string_view text) {
  Piece out;
  held_.append(text);
  if (state_ == State::kStart) {
    if (held_.size() < kOpen.size() && kOpen.substr(0, held_.size()) == held_) return out;
    if (held_.compare(0, kOpen.size(), kOpen) == 0) held_.erase(0, kOpen.size());
    state_ = State::kReasoning;
  }
  if (state_ == State::kReasoning) {
    size_t close = held_.find(kClose);
    if (close == std::string::npos) {
      size_t keep = PartialTagSuffix(held_, kClose);
      out.reasoning = held_.substr(0, held_.size() - keep);
      held_.erase(0, held_.size() - keep);
      return out;
    }
    out.reasoning = held_.substr(0, close);
    held_.erase(0, close + kClose.size());
    state_ = State::kAnswerStart;
  }
  if (state_ == State::kAnswerStart) {
    // The answer follows "</think>" after blank lines, which DeepSeek's API does not return.
    size_t start = held_.find_first_not_of("\r\n");
    if (start == std::string::npos) {
      held_.clear();
      return out;
    }
    held_.erase(0, start);
    state_ = State::kContent;
  }
  out.content = std::move(held_);
  held_.clear();
  return out;
}

ThinkSplitter::Piece ThinkSplitter::Finish() {
  Piece out;
  if (state_ == State::kStart || state_ == State::kReasoning) out.reasoning = std::move(held_);
  else if (state_ == State::kContent) out.content = std::move(held_);
  held_.clear();
  if (state_ == State::kStart) state_ = State::kReasoning;
  return out;
}

}  // namespace bastion::gateway
