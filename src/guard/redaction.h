#pragma once
// Redaction with typed placeholders: "mail bob@example.com" becomes "mail [EMAIL_1]", so the
// model never sees the value, and the value can be put back into the answer for the caller.
// One Redaction per exchange (not thread-safe); the same value gets the same placeholder
// everywhere in it (every message of a conversation), so the model can still refer to it.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "guard/finding.h"

namespace bastion::guard {

class Redaction {
 public:
  // `text` with every finding whose action is kRedact or kBlock replaced by its placeholder.
  // REQUIRES: findings lie inside text (overlaps are tolerated: the earlier one wins).
  std::string Apply(std::string_view text, const std::vector<Finding>& findings);

  // `text` with every placeholder this redaction issued replaced by its value.
  std::string Restore(std::string_view text) const;

  // Numbers this redaction's placeholders after `other`'s, so the two never issue the same
  // placeholder (the answer's own redactions must not be "restored" as the request's).
  void NumberAfter(const Redaction& other) { counters_ = other.counters_; }

  bool empty() const { return entries_.empty(); }
  // The longest placeholder issued: a stream must hold back this much to restore one that
  // arrives split across chunks.
  size_t longest_placeholder() const { return longest_; }

 private:
  const std::string& PlaceholderFor(std::string_view label, std::string_view value);

  std::vector<std::pair<std::string, std::string>> entries_;  // placeholder, value
  std::vector<std::pair<std::string, int>> counters_;         // label, last number
  size_t longest_ = 0;
};

// The placeholder label of a finding: its rule's, else the category's name in capitals.
std::string PlaceholderLabel(const Finding& f);

}  // namespace bastion::guard
