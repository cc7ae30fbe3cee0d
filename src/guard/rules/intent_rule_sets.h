#pragma once
// The three parts of IntentRules(), one per category, each in its own file, and how an intent
// rule is written.
//
// An intent rule is a phrase (an ECMAScript regular expression over the normalised text:
// lowercase, one space between words, obfuscation undone) and an anchor: a few rare literals,
// one of which every match of the phrase contains. Only the anchors go into the Vectorscan
// database, so the whole intent set is a small literal set that compiles in milliseconds and
// scans at literal-matcher speed; the phrase is checked (std::regex) only in a short window
// around each anchor hit, which on ordinary text is rare. A rule is reported when its phrase
// matches across the anchor hit.
//
// Scores: a category is reported when the noisy-OR of its distinct matched rule ids reaches the
// detector's threshold (0.5 by default): strong, specific phrases score >= 0.5 alone; weak ones
// (0.15-0.35) only count together. Several phrases may share one rule id; an id counts once,
// with its best score.

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <regex>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "guard/rule.h"

namespace bastion::guard {

const std::vector<Rule>& JailbreakRules();
const std::vector<Rule>& InjectionRules();
const std::vector<Rule>& HarmRules();

struct IntentPhrase {
  std::string_view id;      // "<category>.<name>"
  double score;             // evidence weight in (0, 1]
  std::string_view anchor;  // Vectorscan pattern: rare literals every phrase match contains
  std::string_view phrase;  // ECMAScript regex, checked around the anchor
  // How a phrase match can begin: its possible first bytes (up to four each), tab-separated,
  // derived from the phrase; empty when anything can. Only positions that begin so are tried.
  std::string_view starts;
  Confirm check = nullptr;  // further check of the phrase match (its span in the text)
};

namespace intent_internal {

// How far before an anchor hit a phrase match may start (a phrase with no known first bytes is
// tried at every position, so it must begin close to its anchor), and after it end.
inline constexpr size_t kLead = 120;
inline constexpr size_t kLeadUnknownStart = 24;
inline constexpr size_t kReach = 200;

// The byte strings a phrase match can begin with, and their first bytes for a quick test.
struct PhraseStarts {
  // Each prefix's first (up to) four bytes as a little-endian word, and the mask of the bytes
  // it has; compared four bytes at a time. Empty: any position.
  std::vector<std::pair<uint32_t, uint32_t>> prefixes;
  std::bitset<256> first;
  bool Allow(std::string_view text, size_t at) const;
};
PhraseStarts SplitStarts(std::string_view starts);

// The first phrase match of `re` that starts within kLead before `anchor` (or inside it: the
// detector joins a rule's nearby anchor hits into one candidate) and reaches into it, passed
// through `check`.
std::optional<Span> PhraseAround(const std::regex& re, const PhraseStarts& starts,
                                 std::string_view text, Span anchor, Confirm check);

template <const auto& kTable, size_t I>
std::optional<Span> ConfirmPhrase(std::string_view text, Span anchor) {
  static const std::regex re(kTable[I].phrase.begin(), kTable[I].phrase.end(),
                             std::regex::ECMAScript | std::regex::optimize);
  static const PhraseStarts starts = SplitStarts(kTable[I].starts);
  return PhraseAround(re, starts, text, anchor, kTable[I].check);
}

template <const auto& kTable, size_t... I>
std::vector<Rule> MakeRules(Category category, std::index_sequence<I...>) {
  return {Rule{kTable[I].id,
               category,
               kTable[I].anchor,
               0,
               kTable[I].score,
               &ConfirmPhrase<kTable, I>,
               {},
               TextForm::kNormalized}...};
}

}  // namespace intent_internal

// One Rule per phrase of a constexpr table (kTable must have static storage duration).
template <const auto& kTable>
std::vector<Rule> IntentRulesFrom(Category category) {
  return intent_internal::MakeRules<kTable>(category,
                                            std::make_index_sequence<std::size(kTable)>());
}

}  // namespace bastion::guard
