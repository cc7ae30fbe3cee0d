#pragma once
// One detector rule: a Vectorscan pattern, what a match of it means, and how a raw match is
// confirmed (checksums, entropy, context) before it becomes a finding.
//
// Rules are plain data, written per detector (rules/pii_rules.cc, rules/secret_rules.cc,
// rules/intent_rules.cc) from each format's public documentation, and compiled together by
// PatternSet. Patterns use Vectorscan's regex dialect: no look-around, no back-references;
// `\b` works. A rule reports the span it matched; `confirm` may narrow it to the value (so a
// date of birth is redacted without its "born on" context) or reject it.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "guard/category.h"

namespace bastion::guard {

struct Span {
  size_t start = 0;
  size_t end = 0;  // exclusive
  size_t size() const { return end - start; }
  bool operator==(const Span&) const = default;
};

// Returns the span to report (the candidate or a part of it), or nothing to reject the match.
// `text` is the whole text scanned; `candidate` lies inside it and is the longest match of the
// rule's pattern there (overlapping matches of one rule are merged first).
using Confirm = std::optional<Span> (*)(std::string_view text, Span candidate);

// Which form of the text a rule scans. PII and secrets are matched in the text as sent, so
// redaction spans are exact; intent rules (jailbreak, injection, harm) in the normalised text
// (guard/normalize: NFKC, case-folded, homoglyphs and leet mapped, invisible characters dropped,
// base64/hex/rot13 decoded), so obfuscation does not hide them.
enum class TextForm { kRaw, kNormalized };

struct Rule {
  std::string_view id;  // "<category>.<name>", e.g. "pii.email", "secret.aws_access_key_id"
  Category category;
  std::string_view pattern;
  unsigned flags = 0;         // extra Vectorscan flags (HS_FLAG_CASELESS, HS_FLAG_DOTALL, ...)
  double score = 1.0;         // evidence weight in (0, 1]; intent categories add theirs up
  Confirm confirm = nullptr;  // nullptr: every match is a finding
  std::string_view placeholder = {};  // redaction label, e.g. "EMAIL" gives "[EMAIL_1]"
  TextForm form = TextForm::kRaw;
  // Every match holds digits no more than kDigitReach bytes apart, and starts and ends within
  // kDigitReach bytes of one (card, IBAN, SSN, IP, phone numbers). Such rules can start at
  // almost any digit, which makes them the slowest to scan; in block mode the detector scans
  // them only around the text's digits.
  bool near_digits = false;
};

inline constexpr size_t kDigitReach = 48;

// Anchor hits of one intent rule (TextForm::kNormalized) at most this far apart reach its
// confirm as one candidate: confirm looks around its candidate, so each stretch of text is
// checked once however many anchors it holds.
inline constexpr size_t kIntentJoin = 120;

// The rule sets, one per detector.
const std::vector<Rule>& PiiRules();
const std::vector<Rule>& SecretRules();
const std::vector<Rule>& IntentRules();  // jailbreak, injection, harm
// All three, in that order: what the default detector compiles.
const std::vector<Rule>& AllRules();

}  // namespace bastion::guard
