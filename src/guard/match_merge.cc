#include "guard/match_merge.h"

#include <algorithm>

namespace bastion::guard {

void MergeMatches(std::vector<RawMatch>& matches, size_t gap) {
  std::sort(matches.begin(), matches.end(), [](const RawMatch& a, const RawMatch& b) {
    return a.rule != b.rule ? a.rule < b.rule : a.span.start < b.span.start;
  });
  size_t kept = 0;
  for (size_t i = 0; i < matches.size(); ++i) {
    if (kept > 0 && matches[kept - 1].rule == matches[i].rule &&
        matches[i].span.start <= matches[kept - 1].span.end + gap) {
      matches[kept - 1].span.end = std::max(matches[kept - 1].span.end, matches[i].span.end);
    } else {
      matches[kept++] = matches[i];
    }
  }
  matches.resize(kept);
}

void ConfirmMatches(const PatternSet& set, std::string_view text,
                    const std::vector<RawMatch>& matches, std::vector<Finding>& out,
                    bool once_per_rule) {
  const unsigned kNone = ~0u;
  unsigned confirmed = kNone;  // matches come sorted by rule (MergeMatches)
  for (const RawMatch& m : matches) {
    if (once_per_rule && m.rule == confirmed) continue;
    const Rule& rule = set.rule(m.rule);
    std::optional<Span> span = m.span;
    if (rule.confirm) span = rule.confirm(text, m.span);
    if (!span || span->end > text.size() || span->start >= span->end) continue;
    out.push_back(Finding{rule.category, rule.id, *span, rule.score, rule.placeholder});
    confirmed = m.rule;
  }
}

namespace {

// Higher wins an overlap: the longer span, then a secret over PII, then the higher score.
bool Outranks(const Finding& a, const Finding& b) {
  if (a.span.size() != b.span.size()) return a.span.size() > b.span.size();
  if (a.category != b.category) return a.category == Category::kSecret;
  return a.score > b.score;
}

}  // namespace

void DropShadowedFindings(std::vector<Finding>& findings) {
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.span.start != b.span.start ? a.span.start < b.span.start : a.span.end > b.span.end;
  });
  std::vector<Finding> kept;
  kept.reserve(findings.size());
  for (const Finding& f : findings) {
    if (!kept.empty() && f.span.start < kept.back().span.end) {
      if (Outranks(f, kept.back())) kept.back() = f;
      continue;
    }
    kept.push_back(f);
  }
  findings.swap(kept);
}

}  // namespace bastion::guard
