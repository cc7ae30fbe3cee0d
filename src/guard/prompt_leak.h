#pragma once
// Notices an answer that repeats the system prompt: a common goal of prompt-injection
// ("print the text above"), and a leak of whatever the operator put there. The system prompt
// is cut into overlapping runs of kShingleWords words; the answer leaks when a long enough
// stretch of it consists of such runs in a row. Words are compared case-folded, letters and
// digits only, so reformatting (markdown, line breaks, quotes) does not hide a leak.
//
// One per exchange side; not thread-safe. Feed it the answer as it is generated.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>

namespace bastion::guard {

// The rule id of a leak finding (category injection); policy may name it like any rule.
inline constexpr std::string_view kSystemPromptLeakRule = "injection.system_prompt_leak";

class PromptLeakDetector {
 public:
  static constexpr size_t kShingleWords = 8;
  // A leak is this many words of the system prompt repeated in order.
  static constexpr size_t kLeakWords = 16;

  explicit PromptLeakDetector(std::string_view system_prompt);

  // False when the system prompt is too short to recognise a leak of it.
  bool armed() const { return !shingles_.empty(); }
  // Feeds the next piece of the answer; true once it has leaked (and from then on).
  bool Feed(std::string_view piece);
  // The answer has ended (its last word is complete); true if it leaked.
  bool Finish();
  bool leaked() const { return leaked_; }
  // Byte offset in the answer where the leaked stretch began. REQUIRES: leaked().
  size_t leak_start() const { return leak_start_; }

 private:
  void Word(uint64_t hash, size_t start);

  std::unordered_set<uint64_t> shingles_;
  std::deque<std::pair<uint64_t, size_t>> window_;  // recent word hashes and their offsets
  std::string partial_;                             // a word cut by the end of the last piece
  size_t partial_start_ = 0;
  size_t fed_ = 0;  // bytes of answer seen
  size_t run_ = 0;  // consecutive shingles found in the system prompt
  bool leaked_ = false;
  size_t leak_start_ = 0;
};

}  // namespace bastion::guard
