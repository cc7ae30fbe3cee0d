#pragma once
// Finds stop strings in generated text that arrives a token at a time, where a stop string
// may span tokens and a token may end inside a UTF-8 character. Text is released only once
// it can no longer turn out to be the start of a stop string or half a character, so a
// client never sees part of a stop string. One per sequence; not thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace bastion::engine {

class StopStrings {
 public:
  explicit StopStrings(std::vector<std::string> stops);

  // Adds decoded bytes; returns the text that is now safe to emit. After a stop string is
  // found, returns the text before it and stopped() is true; later calls return "".
  std::string Feed(std::string_view bytes);
  // At the end of generation: whatever is still held back.
  std::string Flush();
  bool stopped() const { return stopped_; }

 private:
  size_t HeldBackLength() const;

  std::vector<std::string> stops_;
  std::string pending_;
  bool stopped_ = false;
};

// How many bytes at the end of `text` form an incomplete UTF-8 character (0-3).
size_t IncompleteUtf8Tail(std::string_view text);

}  // namespace bastion::engine
