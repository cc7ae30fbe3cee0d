#pragma once
// Turns Vectorscan's raw matches into candidate spans. Vectorscan reports every position at
// which a pattern can end (an e-mail address matches at ".co" and again at ".com"), each with
// its leftmost start; a finding is the union of a rule's overlapping matches.

#include <string_view>
#include <vector>

#include "guard/finding.h"
#include "guard/pattern_set.h"

namespace bastion::guard {

struct RawMatch {
  unsigned rule;  // PatternSet id
  Span span;
};

// Sorts `matches` and merges each rule's overlapping or touching spans in place; with `gap`,
// also spans at most that many bytes apart.
void MergeMatches(std::vector<RawMatch>& matches, size_t gap = 0);

// Runs each merged match through its rule's confirm and appends the survivors to `out`.
// `once_per_rule`: stop confirming a rule's matches after its first finding (intent evidence
// counts each rule once, and its confirm functions are the expensive ones).
void ConfirmMatches(const PatternSet& set, std::string_view text,
                    const std::vector<RawMatch>& matches, std::vector<Finding>& out,
                    bool once_per_rule = false);

// Where findings of different rules overlap, keeps the longest one (a secret over PII on
// a tie): a card number is not also reported as a phone number.
void DropShadowedFindings(std::vector<Finding>& findings);

}  // namespace bastion::guard
