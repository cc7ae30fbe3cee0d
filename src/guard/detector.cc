#include "guard/detector.h"

#include <algorithm>
#include <map>

#include "guard/match_merge.h"
#include "guard/normalize/normalizer.h"

namespace bastion::guard {
namespace {

int CollectMatch(unsigned id, unsigned long long from, unsigned long long to, unsigned,
                 void* context) {
  static_cast<std::vector<RawMatch>*>(context)->push_back(
      RawMatch{id, Span{static_cast<size_t>(from), static_cast<size_t>(to)}});
  return 0;
}

// Block-mode scan of `text`; merged raw matches land in `matches` (a rule's matches at most
// `gap` bytes apart become one).
void ScanBlock(const PatternSet& set, std::string_view text, std::vector<RawMatch>& matches,
               size_t gap = 0) {
  matches.clear();
  hs_scan(set.database(), text.data(), static_cast<unsigned>(text.size()), 0, set.ScratchFor(),
          CollectMatch, &matches);
  MergeMatches(matches, gap);
}

// Block-mode scan of the parts of `text` around its digits: each stretch where digits are at
// most 2 * kDigitReach bytes apart, widened by kDigitReach on both sides (see
// Rule::near_digits). Offsets in `matches` are the whole text's.
void ScanNearDigits(const PatternSet& set, std::string_view text, std::vector<RawMatch>& matches) {
  matches.clear();
  struct Window {
    std::vector<RawMatch>* matches;
    size_t offset;
  };
  auto collect = [](unsigned id, unsigned long long from, unsigned long long to, unsigned,
                    void* context) {
    auto* w = static_cast<Window*>(context);
    w->matches->push_back(RawMatch{
        id, Span{static_cast<size_t>(from) + w->offset, static_cast<size_t>(to) + w->offset}});
    return 0;
  };
  hs_scratch_t* scratch = set.ScratchFor();
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    if (i == text.size()) break;
    size_t last_digit = i;
    for (size_t j = i; j < text.size() && j <= last_digit + 2 * kDigitReach; ++j) {
      if (text[j] >= '0' && text[j] <= '9') last_digit = j;
    }
    size_t start = i > kDigitReach ? i - kDigitReach : 0;
    size_t end = std::min(text.size(), last_digit + 1 + kDigitReach);
    Window w{&matches, start};
    hs_scan(set.database(), text.data() + start, static_cast<unsigned>(end - start), 0, scratch,
            collect, &w);
    i = last_digit + 1;
  }
  MergeMatches(matches);
}

// A span of the normalised text, in the offsets of the text as sent.
Span ToOriginal(const NormalizedText& n, Span s, size_t original_size) {
  if (n.origin.empty() || s.start >= n.origin.size()) return Span{0, 0};
  size_t start = n.origin[s.start];
  size_t end = s.end == 0 ? start : n.origin[std::min(s.end, n.origin.size()) - 1] + 1;
  end = std::min(std::max(end, start + 1), original_size);
  return Span{std::min(start, end), end};
}

template <typename Select>
Result<std::shared_ptr<const PatternSet>> CompileSet(std::span<const Rule> rules, Select select,
                                                     PatternSet::Mode mode) {
  std::vector<const Rule*> selected;
  for (const Rule& r : rules) {
    if (select(r)) selected.push_back(&r);
  }
  if (selected.empty()) return std::shared_ptr<const PatternSet>();
  return PatternSet::Compile(std::move(selected), mode);
}

// Intent evidence: each rule counts once (its best score); a category is reported when the
// noisy-OR of its rules reaches the threshold.
void ScoreIntent(std::vector<Finding>& intent, double threshold, Detection& out) {
  std::map<std::string_view, double> best;
  for (const Finding& f : intent) best[f.rule] = std::max(best[f.rule], f.score);
  std::array<double, std::size(kAllCategories)> miss;
  miss.fill(1.0);
  for (const Finding& f : intent) {
    auto it = best.find(f.rule);
    if (it == best.end()) continue;
    miss[static_cast<size_t>(f.category)] *= 1.0 - it->second;
    best.erase(it);
  }
  for (size_t c = 0; c < miss.size(); ++c) {
    if (miss[c] < 1.0) out.scores[c] = 1.0 - miss[c];
  }
  for (Finding& f : intent) {
    if (out.score(f.category) >= threshold) out.findings.push_back(f);
  }
}

}  // namespace

Result<std::shared_ptr<const Detector>> Detector::Create(DetectorOptions options) {
  return Create(AllRules(), options);
}

Result<std::shared_ptr<const Detector>> Detector::Create(std::span<const Rule> rules,
                                                         DetectorOptions options) {
  auto raw = [](const Rule& r) { return r.form == TextForm::kRaw; };
  auto anywhere = [](const Rule& r) { return r.form == TextForm::kRaw && !r.near_digits; };
  auto near_digits = [](const Rule& r) { return r.form == TextForm::kRaw && r.near_digits; };
  auto normalized = [](const Rule& r) { return r.form == TextForm::kNormalized; };
  auto anywhere_set = CompileSet(rules, anywhere, PatternSet::Mode::kBlock);
  if (!anywhere_set.ok()) return anywhere_set.status();
  auto digits_set = CompileSet(rules, near_digits, PatternSet::Mode::kBlock);
  if (!digits_set.ok()) return digits_set.status();
  auto stream_set = CompileSet(rules, raw, PatternSet::Mode::kStream);
  if (!stream_set.ok()) return stream_set.status();
  auto normalized_set = CompileSet(rules, normalized, PatternSet::Mode::kBlock);
  if (!normalized_set.ok()) return normalized_set.status();
  return std::shared_ptr<const Detector>(
      new Detector(std::move(*anywhere_set), std::move(*digits_set), std::move(*stream_set),
                   std::move(*normalized_set), options));
}

Detection Detector::Detect(std::string_view text) const {
  thread_local std::vector<RawMatch> matches;
  thread_local NormalizedText normalized;
  Detection out;
  if (raw_ || raw_digits_) {
    if (raw_) {
      ScanBlock(*raw_, text, matches);
      ConfirmMatches(*raw_, text, matches, out.findings);
    }
    if (raw_digits_) {
      ScanNearDigits(*raw_digits_, text, matches);
      ConfirmMatches(*raw_digits_, text, matches, out.findings);
    }
    DropShadowedFindings(out.findings);
    for (const Finding& f : out.findings) {
      double& s = out.scores[static_cast<size_t>(f.category)];
      s = std::max(s, f.score);
    }
  }
  if (normalized_) {
    Normalize(text, normalized);
    ScanBlock(*normalized_, normalized.text, matches, kIntentJoin);
    std::vector<Finding> intent;
    ConfirmMatches(*normalized_, normalized.text, matches, intent, /*once_per_rule=*/true);
    for (Finding& f : intent) f.span = ToOriginal(normalized, f.span, text.size());
    ScoreIntent(intent, options_.intent_threshold, out);
  }
  std::sort(out.findings.begin(), out.findings.end(),
            [](const Finding& a, const Finding& b) { return a.span.start < b.span.start; });
  return out;
}

}  // namespace bastion::guard
