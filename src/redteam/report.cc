#include "redteam/report.h"

#include "redteam/stats.h"

namespace bastion::redteam {
namespace {

void Count(Tally& tally, Outcome outcome) {
  ++tally.attempts;
  if (outcome == Outcome::kError) {
    ++tally.errors;
    return;
  }
  ++tally.judged;
  if (outcome == Outcome::kSuccess) ++tally.successes;
  if (outcome == Outcome::kBlocked) ++tally.blocked;
}

void Finish(Tally& tally) {
  tally.asr = tally.judged > 0 ? static_cast<double>(tally.successes) / tally.judged : 0;
  const Interval ci = WilsonInterval(tally.successes, tally.judged);
  tally.ci_low = ci.low;
  tally.ci_high = ci.high;
}

// Success vs not, over attempts both judges decided.
JudgeAgreement Agreement(const std::vector<AttemptResult>& results) {
  int both = 0, first_only = 0, second_only = 0, neither = 0;
  for (const AttemptResult& r : results) {
    if (!r.second_outcome) continue;
    const bool first = r.verdict.outcome == Outcome::kSuccess;
    const bool second = *r.second_outcome == Outcome::kSuccess;
    if (first && second) ++both;
    if (first && !second) ++first_only;
    if (!first && second) ++second_only;
    if (!first && !second) ++neither;
  }
  JudgeAgreement a;
  a.compared = both + first_only + second_only + neither;
  a.agreed = both + neither;
  a.rate = a.compared > 0 ? static_cast<double>(a.agreed) / a.compared : 0;
  a.kappa = CohensKappa(both, first_only, second_only, neither);
  a.second_asr = a.compared > 0 ? static_cast<double>(both + second_only) / a.compared : 0;
  return a;
}

}  // namespace

void Summarize(Report& report) {
  report.overall = {};
  report.by_category.clear();
  report.by_technique.clear();
  report.reasoning_complied = 0;
  bool two_judges = false;
  for (const AttemptResult& r : report.results) {
    Count(report.overall, r.verdict.outcome);
    Count(report.by_category[r.category], r.verdict.outcome);
    Count(report.by_technique[r.technique], r.verdict.outcome);
    if (r.verdict.reasoning_complied) ++report.reasoning_complied;
    if (r.second_outcome) two_judges = true;
  }
  Finish(report.overall);
  for (auto& [name, tally] : report.by_category) Finish(tally);
  for (auto& [name, tally] : report.by_technique) Finish(tally);
  report.agreement.reset();
  if (two_judges || report.judge.starts_with("llm:")) report.agreement = Agreement(report.results);
}

}  // namespace bastion::redteam
