// The diff between two runs: rows, deltas, significance and both output formats.
#include "redteam/report_diff.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "redteam/stats.h"

namespace bastion::redteam {
namespace {

Tally MakeTally(int successes, int judged, int errors = 0) {
  Tally t;
  t.attempts = judged + errors;
  t.judged = judged;
  t.successes = successes;
  t.errors = errors;
  t.asr = judged > 0 ? static_cast<double>(successes) / judged : 0;
  const Interval ci = WilsonInterval(successes, judged);
  t.ci_low = ci.low;
  t.ci_high = ci.high;
  return t;
}

Report MakeRun(std::string_view judge) {
  Report r;
  r.target_url = "http://127.0.0.1:8080";
  r.model = "qwen";
  r.suite = "builtin";
  r.judge = std::string(judge);
  return r;
}

// A: guardrails off; B: guardrails on. Categories and techniques only partly overlap.
struct Pair {
  Report a = MakeRun("refusal");
  Report b = MakeRun("llm:http://127.0.0.1:9000,judge");
  Pair() {
    a.overall = MakeTally(5, 8);
    b.overall = MakeTally(1, 8);
    a.by_category = {{"cybercrime", MakeTally(100, 160)}, {"weapons", MakeTally(40, 40)}};
    b.by_category = {{"cybercrime", MakeTally(20, 160)}, {"privacy", MakeTally(0, 40)}};
    a.techniques = {"roleplay", "base64"};
    a.by_technique = {{"base64", MakeTally(3, 8)}, {"roleplay", MakeTally(5, 8)}};
    b.techniques = {"base64", "leetspeak"};
    b.by_technique = {{"base64", MakeTally(1, 4)}, {"leetspeak", MakeTally(0, 0, 4)}};
  }
};

const DiffRow* FindRow(const std::vector<DiffRow>& rows, std::string_view group,
                       std::string_view name) {
  for (const DiffRow& row : rows) {
    if (row.group == group && row.name == name) return &row;
  }
  return nullptr;
}

TEST(ReportDiffTest, RowsComeOverallThenCategoriesSortedThenTechniquesInAsOrder) {
  Pair p;
  const auto rows = DiffReports(p.a, p.b);
  std::vector<std::string> order;
  for (const DiffRow& row : rows) order.push_back(row.group + "/" + row.name);
  EXPECT_EQ(order, (std::vector<std::string>{
                       "overall/all", "category/cybercrime", "category/privacy", "category/weapons",
                       "technique/roleplay", "technique/base64", "technique/leetspeak"}));
}

TEST(ReportDiffTest, DeltaIsBMinusA) {
  Pair p;
  const auto rows = DiffReports(p.a, p.b);
  EXPECT_TRUE(rows[0].in_a && rows[0].in_b);
  EXPECT_DOUBLE_EQ(rows[0].delta, 0.125 - 0.625);
  EXPECT_DOUBLE_EQ(FindRow(rows, "category", "cybercrime")->delta, 0.125 - 0.625);
  EXPECT_DOUBLE_EQ(FindRow(rows, "technique", "base64")->delta, 0.25 - 0.375);
  EXPECT_EQ(rows[0].a.successes, 5);
  EXPECT_EQ(rows[0].b.successes, 1);
}

TEST(ReportDiffTest, SignificantOnlyWhenIntervalsAreDisjoint) {
  Pair p;
  const auto rows = DiffReports(p.a, p.b);
  EXPECT_FALSE(rows[0].significant);  // 5/8 vs 1/8: the intervals overlap
  const DiffRow* cyber = FindRow(rows, "category", "cybercrime");
  EXPECT_LT(cyber->b.ci_high, cyber->a.ci_low);
  EXPECT_TRUE(cyber->significant);  // 100/160 vs 20/160

  // Nothing judged on one side: its {0, 0} interval is disjoint from B's, but means nothing.
  p.a.overall = MakeTally(0, 0, 8);
  p.b.overall = MakeTally(50, 50);
  EXPECT_FALSE(DiffReports(p.a, p.b)[0].significant);
  p.a.overall = MakeTally(0, 50);
  EXPECT_TRUE(DiffReports(p.a, p.b)[0].significant);
  EXPECT_DOUBLE_EQ(DiffReports(p.a, p.b)[0].delta, 1.0);
}

TEST(ReportDiffTest, RowMissingFromOneSideHasZeroTallyNoDeltaAndIsNotSignificant) {
  Pair p;
  const auto rows = DiffReports(p.a, p.b);
  const DiffRow* weapons = FindRow(rows, "category", "weapons");  // only in A, 40/40
  ASSERT_NE(weapons, nullptr);
  EXPECT_TRUE(weapons->in_a);
  EXPECT_FALSE(weapons->in_b);
  EXPECT_EQ(weapons->a.successes, 40);
  EXPECT_EQ(weapons->b.judged, 0);
  EXPECT_EQ(weapons->b.asr, 0);
  EXPECT_EQ(weapons->delta, 0);
  EXPECT_FALSE(weapons->significant);
  const DiffRow* leet = FindRow(rows, "technique", "leetspeak");  // only in B
  ASSERT_NE(leet, nullptr);
  EXPECT_FALSE(leet->in_a);
  EXPECT_TRUE(leet->in_b);
  EXPECT_EQ(leet->b.errors, 4);
}

TEST(ReportDiffTest, TechniqueListedButNeverRunHasNoRow) {
  Pair p;
  p.a.techniques.push_back("unused");
  EXPECT_EQ(FindRow(DiffReports(p.a, p.b), "technique", "unused"), nullptr);
}

TEST(ReportDiffTest, TextHasHeaderRowsMarksAndLegend) {
  Pair p;
  const std::string text = DiffToText(DiffReports(p.a, p.b), p.a, p.b);
  EXPECT_EQ(
      text.find("redteam diff: A = builtin on http://127.0.0.1:8080 (judge refusal), "
                "B = builtin on http://127.0.0.1:8080 (judge llm:http://127.0.0.1:9000,judge)\n"),
      0u);
  EXPECT_NE(text.find("\ngroup      name                  ASR A                 ASR B"),
            std::string::npos);
  EXPECT_NE(text.find("\noverall    all                   62.5% [30.6–86.3]     "
                      "12.5% [2.2–47.1]       -50.0 pp\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\ncategory   cybercrime            62.5% ["), std::string::npos);
  EXPECT_NE(text.find("-50.0 pp *\n"), std::string::npos);
  EXPECT_NE(text.find("\ncategory   privacy               —                     0.0% ["),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\ntechnique  leetspeak             —                     n/a"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n(* = the 95% intervals do not overlap)\n"), std::string::npos);
}

TEST(ReportDiffTest, TextWidensTheNameColumnForLongNamesAndSaysNaWithoutJudgedAttempts) {
  Pair p;
  const std::string long_name(30, 'n');
  p.a.by_category = {{long_name, MakeTally(1, 2)}, {"none", MakeTally(0, 0, 3)}};
  p.b.by_category = p.a.by_category;
  const std::string text = DiffToText(DiffReports(p.a, p.b), p.a, p.b);
  EXPECT_NE(text.find("\noverall    all" + std::string(29, ' ') + "62.5% ["), std::string::npos)
      << text;
  EXPECT_NE(text.find("\ncategory   " + long_name + "  50.0% ["), std::string::npos) << text;
  EXPECT_NE(text.find("n/a                   n/a                         n/a\n"), std::string::npos)
      << text;
}

TEST(ReportDiffTest, TextKeepsControlBytesOutOfTheTerminal) {
  Pair p;
  p.a.by_category = {{"evil\x1b[2J", MakeTally(1, 2)}};
  const std::string text = DiffToText(DiffReports(p.a, p.b), p.a, p.b);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("evil?[2J"), std::string::npos);
}

TEST(ReportDiffTest, JsonParsesAndCarriesTheNumbers) {
  Pair p;
  const std::string json = DiffToJson(DiffReports(p.a, p.b), p.a, p.b);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(doc["a"]["target"]), "http://127.0.0.1:8080");
  EXPECT_EQ(std::string_view(doc["b"]["judge"]), "llm:http://127.0.0.1:9000,judge");
  EXPECT_EQ(std::string_view(doc["a"]["suite"]), "builtin");
  EXPECT_EQ(std::string_view(doc["a"]["model"]), "qwen");
  simdjson::dom::array rows = doc["rows"];
  ASSERT_EQ(rows.size(), 7u);

  simdjson::dom::element overall = rows.at(0);
  EXPECT_EQ(std::string_view(overall["group"]), "overall");
  EXPECT_EQ(std::string_view(overall["name"]), "all");
  EXPECT_DOUBLE_EQ(double(overall["delta"]), -0.5);
  EXPECT_FALSE(bool(overall["significant"]));
  EXPECT_EQ(int64_t(overall["a"]["attempts"]), 8);
  EXPECT_EQ(int64_t(overall["a"]["judged"]), 8);
  EXPECT_EQ(int64_t(overall["a"]["successes"]), 5);
  EXPECT_EQ(int64_t(overall["a"]["blocked"]), 0);
  EXPECT_EQ(int64_t(overall["a"]["errors"]), 0);
  EXPECT_DOUBLE_EQ(double(overall["a"]["asr"]), 0.625);
  simdjson::dom::array ci = overall["a"]["ci95"];
  ASSERT_EQ(ci.size(), 2u);
  EXPECT_NEAR(double(ci.at(0)), p.a.overall.ci_low, 1e-12);
  EXPECT_NEAR(double(ci.at(1)), p.a.overall.ci_high, 1e-12);

  EXPECT_TRUE(bool(rows.at(1)["significant"]));  // cybercrime
  simdjson::dom::element privacy = rows.at(2);   // only in B
  EXPECT_EQ(std::string_view(privacy["name"]), "privacy");
  EXPECT_TRUE(privacy["a"].is_null());
  EXPECT_EQ(int64_t(privacy["b"]["judged"]), 40);
  EXPECT_EQ(double(privacy["delta"]), 0);
}

}  // namespace
}  // namespace bastion::redteam
