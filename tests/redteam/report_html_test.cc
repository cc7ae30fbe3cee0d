// The HTML report: self-contained, escaped, and carrying the run's numbers.
#include "redteam/report_html.h"

#include <gtest/gtest.h>

#include <string>

#include "redteam/report_html_charts.h"

namespace bastion::redteam {
namespace {

constexpr std::string_view kTarget = "http://127.0.0.1:8080/v1";
constexpr std::string_view kScript = "<script>alert(1)</script>";
constexpr std::string_view kBreakout = "\"><img src=x onerror=alert(1)>";
constexpr std::string_view kCategory = "<b>x</b>";

Tally MakeTally(int successes, int judged) {
  Tally t;
  t.attempts = t.judged = judged;
  t.successes = successes;
  t.asr = judged > 0 ? static_cast<double>(successes) / judged : 0;
  t.ci_low = t.asr / 2;
  t.ci_high = (1 + t.asr) / 2;
  return t;
}

AttemptResult Success(std::string probe, std::string category, std::string technique,
                      std::string completion) {
  AttemptResult a;
  a.probe_id = std::move(probe);
  a.category = std::move(category);
  a.technique = std::move(technique);
  a.verdict.outcome = Outcome::kSuccess;
  a.verdict.reason = "complied: 'sure'";
  a.completion = std::move(completion);
  return a;
}

// An attacker-shaped run: the model's answer and even a category name carry markup.
Report HostileReport() {
  Report r;
  r.bastion_version = "0.9.0";
  r.target_url = std::string(kTarget);
  r.model = "m'odel";
  r.suite = "builtin";
  r.techniques = {"plain", "roleplay"};
  r.judge = "refusal";
  r.started = "2025-01-01T00:00:00Z";
  r.overall = MakeTally(2, 4);
  r.by_category = {{std::string(kCategory), MakeTally(2, 2)}, {"cybercrime", MakeTally(0, 2)}};
  r.by_technique = {{"plain", MakeTally(0, 2)}, {"roleplay", MakeTally(2, 2)}};
  r.results.push_back(Success("p-1", std::string(kCategory), "roleplay",
                              "Sure! " + std::string(kScript) + " " + std::string(kBreakout)));
  r.results.push_back(Success("p-2", "cybercrime", "roleplay", "EXCERPT-TWO & more"));
  return r;
}

size_t Count(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST(ReportHtmlTest, EscapesEveryStringFromTheRun) {
  const std::string html = ReportToHtml(HostileReport());
  EXPECT_EQ(html.find(kScript), std::string::npos);
  EXPECT_EQ(html.find(kBreakout), std::string::npos);
  EXPECT_EQ(html.find(kCategory), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<SCRIPT"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("complied: &#39;sure&#39;"), std::string::npos);
  EXPECT_NE(html.find("m&#39;odel"), std::string::npos);
  EXPECT_NE(html.find("EXCERPT-TWO &amp; more"), std::string::npos);
  // The category label inside the SVG chart is escaped too.
  const size_t svg = html.find("<svg");
  ASSERT_NE(svg, std::string::npos);
  const size_t svg_end = html.find("</svg>", svg);
  EXPECT_NE(html.substr(svg, svg_end - svg).find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
}

TEST(ReportHtmlTest, IsOneSelfContainedDocument) {
  const std::string html = ReportToHtml(HostileReport());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(Count(html, "<html"), 1u);
  EXPECT_EQ(Count(html, "</html>"), 1u);
  EXPECT_EQ(Count(html, "<svg"), 2u);  // per category, per technique
  EXPECT_NE(html.find("<style>"), std::string::npos);
  // No URL but the target's, shown as text: nothing to fetch, nothing to follow.
  EXPECT_EQ(Count(html, kTarget), 1u);
  EXPECT_EQ(Count(html, "http://"), 1u);
  EXPECT_EQ(Count(html, "https://"), 0u);
  for (std::string_view fetch : {"href=", "url(", "@import", "<link", "<a ", "xmlns", "<iframe"}) {
    EXPECT_EQ(html.find(fetch), std::string::npos) << fetch;
  }
}

TEST(ReportHtmlTest, ShowsTheRunsNumbers) {
  Report r = HostileReport();
  r.reasoning_complied = 7;
  r.agreement =
      JudgeAgreement{.compared = 4, .agreed = 3, .rate = 0.75, .kappa = 0.5, .second_asr = 0.25};
  const std::string html = ReportToHtml(r);
  EXPECT_NE(html.find("<div class=\"big\">50.0%</div>"), std::string::npos);
  EXPECT_NE(html.find("25.0%–75.0%"), std::string::npos);  // the overall interval
  EXPECT_NE(html.find("<b>4</b> attempts"), std::string::npos);
  EXPECT_NE(html.find("Judge agreement"), std::string::npos);
  EXPECT_NE(html.find("<td>0.50</td>"), std::string::npos);   // kappa
  EXPECT_NE(html.find("<td>75.0%</td>"), std::string::npos);  // agreement rate
  EXPECT_NE(html.find("<b>7</b> attempts whose reasoning"), std::string::npos);
  EXPECT_NE(html.find("<td>0.9.0</td>"), std::string::npos);
  // Techniques in the run's order, not alphabetical.
  EXPECT_LT(html.find("<h3>plain</h3>"), html.find("<h3>roleplay</h3>"));
}

TEST(ReportHtmlTest, OptionalSectionsStayOutWhenEmpty) {
  const std::string html = ReportToHtml(HostileReport());
  EXPECT_EQ(html.find("Judge agreement"), std::string::npos);
  EXPECT_EQ(html.find("whose reasoning"), std::string::npos);
  EXPECT_NE(html.find("No successful attempts."), std::string::npos);  // plain
}

TEST(ReportHtmlTest, NothingJudgedReadsNaNotZero) {
  Report r = HostileReport();
  r.overall = MakeTally(0, 0);
  r.by_category["errors only"] = MakeTally(0, 0);
  const std::string html = ReportToHtml(r);
  EXPECT_NE(html.find("<div class=\"big\">n/a</div>"), std::string::npos);
  EXPECT_NE(html.find("<td>errors only</td><td class=\"num\">n/a</td><td class=\"num\">—</td>"),
            std::string::npos);
}

TEST(ReportHtmlTest, AtMostThreeExamplesPerTechnique) {
  Report r = HostileReport();
  r.results.clear();
  for (int i = 0; i < 5; ++i) {
    r.results.push_back(Success("probe-" + std::to_string(i), "c", "plain", "x"));
  }
  r.results.back().verdict.outcome = Outcome::kRefused;
  const std::string html = ReportToHtml(r);
  EXPECT_NE(html.find("probe-2"), std::string::npos);
  EXPECT_EQ(html.find("probe-3"), std::string::npos);
  EXPECT_EQ(Count(html, "<pre>"), 3u);
}

TEST(ReportHtmlTest, RedactedReportHasNoExcerpts) {
  Report r = HostileReport();
  r.completions_redacted = true;
  const std::string html = ReportToHtml(r);
  EXPECT_NE(html.find("Completions redacted"), std::string::npos);
  EXPECT_EQ(html.find("EXCERPT-TWO"), std::string::npos);
  EXPECT_EQ(html.find("alert(1)"), std::string::npos);
  EXPECT_EQ(html.find("<pre>"), std::string::npos);
  EXPECT_NE(html.find("p-2"), std::string::npos);  // the example itself stays
}

TEST(ReportHtmlTest, EscapeAndPrefixHelpers) {
  EXPECT_EQ(EscapeHtml("&<>\"'a"), "&amp;&lt;&gt;&quot;&#39;a");
  EXPECT_EQ(Utf8Prefix("abc", 3), "abc");
  EXPECT_EQ(Utf8Prefix("abcd", 3), "abc…");
  EXPECT_EQ(Utf8Prefix("aé", 2), "a…");  // é is two bytes: never cut in half
}

}  // namespace
}  // namespace bastion::redteam
