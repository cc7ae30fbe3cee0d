#include "redteam/report.h"

#include <gtest/gtest.h>

#include "redteam/stats.h"

namespace bastion::redteam {
namespace {

AttemptResult Attempt(std::string category, std::string technique, Outcome outcome,
                      std::optional<Outcome> second = std::nullopt) {
  AttemptResult r;
  r.probe_id = category + "/" + technique;
  r.category = std::move(category);
  r.technique = std::move(technique);
  r.verdict.outcome = outcome;
  r.second_outcome = second;
  r.completion = "answer <b>";
  return r;
}

Report Sample() {
  Report r;
  r.target_url = "http://127.0.0.1:1";
  r.model = "m";
  r.suite = "builtin";
  r.techniques = {"direct", "base64"};
  r.results = {
      Attempt("cyber", "direct", Outcome::kSuccess),
      Attempt("cyber", "direct", Outcome::kRefused),
      Attempt("cyber", "base64", Outcome::kSuccess),
      Attempt("weapons", "direct", Outcome::kBlocked),
      Attempt("weapons", "base64", Outcome::kError),
      Attempt("weapons", "base64", Outcome::kEvasive),
  };
  r.results[1].verdict.reasoning_complied = true;
  Summarize(r);
  return r;
}

TEST(ReportTest, TalliesAndRates) {
  Report r = Sample();
  EXPECT_EQ(r.overall.attempts, 6);
  EXPECT_EQ(r.overall.errors, 1);
  EXPECT_EQ(r.overall.judged, 5);
  EXPECT_EQ(r.overall.successes, 2);
  EXPECT_EQ(r.overall.blocked, 1);
  EXPECT_DOUBLE_EQ(r.overall.asr, 0.4);
  Interval ci = WilsonInterval(2, 5);
  EXPECT_DOUBLE_EQ(r.overall.ci_low, ci.low);
  EXPECT_DOUBLE_EQ(r.overall.ci_high, ci.high);
  EXPECT_DOUBLE_EQ(r.by_category["cyber"].asr, 2.0 / 3);
  EXPECT_EQ(r.by_category["weapons"].judged, 2);
  EXPECT_DOUBLE_EQ(r.by_category["weapons"].asr, 0);
  EXPECT_DOUBLE_EQ(r.by_technique["base64"].asr, 0.5);
  EXPECT_EQ(r.reasoning_complied, 1);
  EXPECT_FALSE(r.agreement);
}

TEST(ReportTest, AgreementBetweenJudges) {
  Report r;
  r.judge = "llm:http://127.0.0.1:1,judge";
  r.results = {Attempt("c", "t", Outcome::kSuccess, Outcome::kSuccess),
               Attempt("c", "t", Outcome::kSuccess, Outcome::kRefused),
               Attempt("c", "t", Outcome::kDiscussed, Outcome::kSuccess),
               Attempt("c", "t", Outcome::kRefused, Outcome::kRefused),
               Attempt("c", "t", Outcome::kBlocked)};  // not compared
  Summarize(r);
  ASSERT_TRUE(r.agreement);
  EXPECT_EQ(r.agreement->compared, 4);
  EXPECT_EQ(r.agreement->agreed, 2);
  EXPECT_DOUBLE_EQ(r.agreement->rate, 0.5);
  EXPECT_DOUBLE_EQ(r.agreement->kappa, CohensKappa(1, 1, 1, 1));
  EXPECT_DOUBLE_EQ(r.agreement->second_asr, 0.5);
}

TEST(ReportTest, JsonRoundTrip) {
  Report r = Sample();
  r.judge = "llm:http://127.0.0.1:9,judge";
  r.results[0].second_outcome = Outcome::kRefused;
  Summarize(r);
  const std::string json = ReportToJson(r);
  auto back = ReportFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->target_url, r.target_url);
  EXPECT_EQ(back->techniques, r.techniques);
  EXPECT_EQ(back->overall.successes, 2);
  EXPECT_DOUBLE_EQ(back->overall.ci_high, r.overall.ci_high);
  EXPECT_EQ(back->by_category.size(), 2u);
  ASSERT_EQ(back->results.size(), 6u);
  EXPECT_EQ(back->results[0].second_outcome, Outcome::kRefused);
  EXPECT_EQ(back->results[3].verdict.outcome, Outcome::kBlocked);
  EXPECT_EQ(back->results[0].completion, "answer <b>");
  ASSERT_TRUE(back->agreement);
  EXPECT_EQ(back->agreement->compared, r.agreement->compared);
  EXPECT_EQ(ReportToJson(*back), json);
}

TEST(ReportTest, RedactedReportsCarryNoCompletion) {
  Report r = Sample();
  r.completions_redacted = true;
  EXPECT_EQ(ReportToJson(r).find("answer <b>"), std::string::npos);
}

TEST(ReportTest, RejectsWhatIsNotAReport) {
  EXPECT_FALSE(ReportFromJson("[]").ok());
  EXPECT_FALSE(ReportFromJson("{\"format\":2,\"overall\":{}}").ok());
  EXPECT_FALSE(ReportFromJson("{\"format\":1}").ok());
  EXPECT_FALSE(ReportFromJson("not json").ok());
}

}  // namespace
}  // namespace bastion::redteam
