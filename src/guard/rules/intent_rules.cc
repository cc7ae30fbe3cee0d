#include <algorithm>

#include "guard/rules/intent_rule_sets.h"

namespace bastion::guard {

namespace intent_internal {
namespace {

bool IsWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (c >= 'A' && c <= 'Z');
}

}  // namespace

PhraseStarts SplitStarts(std::string_view starts) {
  PhraseStarts out;
  while (!starts.empty()) {
    size_t tab = starts.find('\t');
    std::string_view prefix = starts.substr(0, tab).substr(0, 4);
    uint32_t word = 0, mask = 0;
    for (size_t i = 0; i < prefix.size(); ++i) {
      word |= uint32_t{static_cast<unsigned char>(prefix[i])} << (8 * i);
      mask |= uint32_t{0xff} << (8 * i);
    }
    out.prefixes.emplace_back(word, mask);
    if (!prefix.empty()) out.first.set(static_cast<unsigned char>(prefix[0]));
    if (tab == std::string_view::npos) break;
    starts.remove_prefix(tab + 1);
  }
  return out;
}

bool PhraseStarts::Allow(std::string_view text, size_t at) const {
  if (prefixes.empty()) return true;
  if (at >= text.size() || !first.test(static_cast<unsigned char>(text[at]))) return false;
  uint32_t word = 0, have = 0;
  for (size_t i = 0; i < 4 && at + i < text.size(); ++i) {
    word |= uint32_t{static_cast<unsigned char>(text[at + i])} << (8 * i);
    have |= uint32_t{0xff} << (8 * i);
  }
  return std::any_of(prefixes.begin(), prefixes.end(), [&](const auto& p) {
    return (p.second & ~have) == 0 && (word & p.second) == p.first;
  });
}

std::optional<Span> PhraseAround(const std::regex& re, const PhraseStarts& starts,
                                 std::string_view text, Span anchor, Confirm check) {
  // A phrase match starts at most kLead bytes before its anchor, at a word start or on a
  // non-letter; try each such position (a continuous match, not a search: std::regex pays a
  // fixed cost per attempt, so few attempts keep the check to microseconds).
  size_t lead = starts.prefixes.empty() ? kLeadUnknownStart : kLead;
  size_t first = anchor.start > lead ? anchor.start - lead : 0;
  size_t to = std::min(text.size(), anchor.end + kReach);
  const char* base = text.data();
  std::cmatch m;
  size_t last = std::min(text.size(), std::max(anchor.end, anchor.start + 1)) - 1;
  for (size_t at = first; at <= last && at < text.size(); ++at) {
    if (!starts.Allow(text, at)) continue;
    bool prev_word = at > 0 && IsWordByte(text[at - 1]);
    if (prev_word && IsWordByte(text[at])) continue;
    auto flags = std::regex_constants::match_continuous;
    if (at > 0) flags |= std::regex_constants::match_prev_avail;
    if (!std::regex_search(base + at, base + to, m, re, flags)) continue;
    size_t stop = at + static_cast<size_t>(m.length(0));
    if (stop <= std::max(anchor.start, at)) continue;
    Span match{at, std::max(stop, at + 1)};
    if (check == nullptr) return match;
    if (auto checked = check(text, match)) return checked;
  }
  return std::nullopt;
}

}  // namespace intent_internal

const std::vector<Rule>& IntentRules() {
  static const std::vector<Rule> rules = [] {
    std::vector<Rule> all;
    for (const auto* set : {&JailbreakRules(), &InjectionRules(), &HarmRules()}) {
      all.insert(all.end(), set->begin(), set->end());
    }
    return all;
  }();
  return rules;
}

}  // namespace bastion::guard
