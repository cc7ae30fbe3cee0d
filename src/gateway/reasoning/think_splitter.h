#pragma once
// Splits DeepSeek-R1 output into reasoning and answer the way DeepSeek's API does: text before
// "</think>" is reasoning_content, text after it is content. R1's chat template opens
// "<think>\n" in the prompt, so the output usually starts inside the reasoning; a leading
// "<think>" is dropped when present. As in vLLM's deepseek_r1 parser, output that never closes
// the tag is all reasoning. Works on text split at any point, tags included.

#include <string>
#include <string_view>

namespace bastion::gateway {

class ThinkSplitter {
 public:
  struct Piece {
    std::string reasoning;
    std::string content;
    bool empty() const { return reasoning.empty() && content.empty(); }
  };

  // The next stretch of generated text.
  Piece Feed(std::string_view text);
  // The end of the text: releases anything held back as a possible partial tag.
  Piece Finish();
  bool answer_started() const { return state_ == State::kContent; }

 private:
  enum class State { kStart, kReasoning, kAnswerStart, kContent };

  State state_ = State::kStart;
  std::string held_;  // bytes that may be the start of a tag
};

}  // namespace bastion::gateway
