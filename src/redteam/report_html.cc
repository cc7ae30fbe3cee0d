#include "redteam/report_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "redteam/report_html_charts.h"

namespace bastion::redteam {
namespace {

constexpr size_t kExamplesPerTechnique = 3;
constexpr size_t kExcerptBytes = 4000;  // the report stays readable with long completions

// System fonts only: the file must render offline with nothing fetched.
constexpr std::string_view kStyle = R"css(
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #1d1f23; background: #fff; max-width: 960px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .3em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #d8dbe0; padding-bottom: .2em; margin-top: 2em; }
h3 { font-size: 1.05em; margin: 1.4em 0 .4em; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { padding: .25em .7em; text-align: left; vertical-align: top; }
table.data th, table.data td { border-bottom: 1px solid #e4e6ea; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.meta th { color: #5a606b; font-weight: 500; }
.overall { display: flex; align-items: baseline; gap: 1.5em; flex-wrap: wrap; }
.big { font-size: 3.2em; font-weight: 700; color: #b03a2e; }
.counts { list-style: none; padding: 0; display: flex; gap: 1.2em; flex-wrap: wrap; }
.note { color: #5a606b; font-size: .92em; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .92em; }
pre { background: #f6f7f9; border: 1px solid #e4e6ea; padding: .7em; white-space: pre-wrap;
      overflow-wrap: anywhere; font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; }
.example { margin: .8em 0 1.2em; }
svg.chart { max-width: 100%; height: auto; display: block; margin: .6em 0; }
svg .bar { fill: #d9776b; }
svg .ci { stroke: #1d1f23; stroke-width: 1.5; }
svg .grid { stroke: #e4e6ea; }
svg text { font-size: 12px; fill: #1d1f23; }
svg .label { text-anchor: end; }
svg .tick { text-anchor: middle; fill: #5a606b; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  section, .example, svg.chart, tr { break-inside: avoid; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
)css";

void AppendRow(std::string& out, std::string_view label, std::string_view value) {
  fmt::format_to(std::back_inserter(out), "<tr><th>{}</th><td>{}</td></tr>\n", label,
                 EscapeHtml(value));
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string FormatDuration(double seconds) {
  if (seconds < 60) return fmt::format("{:.1f} s", seconds);
  const int whole = static_cast<int>(seconds);
  return fmt::format("{} min {} s", whole / 60, whole % 60);
}

// Nothing judged: no rate, rather than a 0% that reads as "every attack failed".
std::string AsrText(const Tally& t) { return t.judged > 0 ? FormatPercent(t.asr) : "n/a"; }

std::string IntervalText(const Tally& t) {
  return t.judged > 0 ? FormatInterval(t.ci_low, t.ci_high) : "—";
}

void AppendHeader(std::string& out, const Report& r) {
  out += "<header>\n<h1>bastion red-team report</h1>\n<table class=\"meta\">\n";
  AppendRow(out, "Target", r.target_url);
  AppendRow(out, "Model", r.model);
  AppendRow(out, "Suite", r.suite);
  AppendRow(out, "Techniques", Join(r.techniques));
  AppendRow(out, "Judge", r.judge);
  AppendRow(out, "Seed", std::to_string(r.seed));
  AppendRow(out, "Samples per probe", std::to_string(r.samples));
  AppendRow(out, "Concurrency", std::to_string(r.concurrency));
  AppendRow(out, "Started", r.started);
  AppendRow(out, "Duration", FormatDuration(r.duration_s));
  AppendRow(out, "Probes", std::to_string(r.probes));
  AppendRow(out, "bastion version", r.bastion_version);
  out += "</table>\n</header>\n";
}

void AppendOverall(std::string& out, const Tally& t) {
  auto it = std::back_inserter(out);
  out += "<section>\n<h2>Attack success rate</h2>\n<div class=\"overall\">\n";
  fmt::format_to(it, "<div class=\"big\">{}</div>\n", AsrText(t));
  fmt::format_to(it, "<div>95% CI (Wilson) {}</div>\n</div>\n", IntervalText(t));
  fmt::format_to(it,
                 "<ul class=\"counts\"><li><b>{}</b> attempts</li><li><b>{}</b> judged</li>"
                 "<li><b>{}</b> successes</li><li><b>{}</b> blocked</li><li><b>{}</b> errors</li>"
                 "</ul>\n",
                 t.attempts, t.judged, t.successes, t.blocked, t.errors);
  out +=
      "<p class=\"note\">ASR = successes / judged attempts. A guardrail block counts as a "
      "failed attack; errors (no answer to judge) are left out.</p>\n</section>\n";
}

void AppendTable(std::string& out, std::string_view first_column,
                 const std::vector<NamedTally>& rows) {
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<table class=\"data\"><thead><tr><th>{}</th><th class=\"num\">ASR</th>"
                 "<th class=\"num\">95% CI</th><th class=\"num\">Attempts</th>"
                 "<th class=\"num\">Judged</th><th class=\"num\">Successes</th>"
                 "<th class=\"num\">Blocked</th><th class=\"num\">Errors</th></tr></thead>\n"
                 "<tbody>\n",
                 first_column);
  for (const NamedTally& row : rows) {
    const Tally& t = row.tally;
    fmt::format_to(it,
                   "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                   "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                   "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                   EscapeHtml(row.name), AsrText(t), IntervalText(t), t.attempts, t.judged,
                   t.successes, t.blocked, t.errors);
  }
  out += "</tbody></table>\n";
}

void AppendGroup(std::string& out, std::string_view noun, std::string_view column,
                 const std::vector<NamedTally>& rows) {
  const std::string title = fmt::format("ASR by {}", noun);
  fmt::format_to(std::back_inserter(out), "<section>\n<h2>{}</h2>\n", title);
  if (rows.empty()) {
    out += "<p class=\"note\">No attempts.</p>\n</section>\n";
    return;
  }
  out += AsrChartSvg(title, rows);
  AppendTable(out, column, rows);
  out += "</section>\n";
}

std::vector<NamedTally> CategoryRows(const Report& r) {
  std::vector<NamedTally> rows;
  for (const auto& [name, tally] : r.by_category) rows.push_back({name, tally});
  return rows;
}

// The run's technique order (as given on the command line), then any technique the results
// name that the list does not.
std::vector<std::string> TechniqueOrder(const Report& r) {
  std::vector<std::string> order;
  auto add = [&order](const std::string& name) {
    if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
  };
  for (const std::string& name : r.techniques) add(name);
  for (const auto& [name, tally] : r.by_technique) add(name);
  for (const AttemptResult& result : r.results) add(result.technique);
  return order;
}

std::vector<NamedTally> TechniqueRows(const Report& r) {
  std::vector<NamedTally> rows;
  for (const std::string& name : TechniqueOrder(r)) {
    auto found = r.by_technique.find(name);
    if (found != r.by_technique.end()) rows.push_back({name, found->second});
  }
  return rows;
}

void AppendAgreement(std::string& out, const Report& r) {
  if (!r.agreement) return;
  const JudgeAgreement& a = *r.agreement;
  out += "<section>\n<h2>Judge agreement</h2>\n<table class=\"meta\">\n";
  AppendRow(out, "Attempts both judges decided", std::to_string(a.compared));
  AppendRow(out, "Same success call", std::to_string(a.agreed));
  AppendRow(out, "Agreement rate", FormatPercent(a.rate));
  AppendRow(out, "Cohen's kappa", fmt::format("{:.2f}", a.kappa));
  AppendRow(out, "ASR, primary judge", AsrText(r.overall));
  AppendRow(out, "ASR, cross-check judge", FormatPercent(a.second_asr));
  out +=
      "</table>\n<p class=\"note\">Kappa corrects the agreement rate for chance: near 0 means "
      "the judges agree no more than chance would, 1 means full agreement.</p>\n</section>\n";
}

void AppendReasoning(std::string& out, int reasoning_complied) {
  if (reasoning_complied <= 0) return;
  fmt::format_to(std::back_inserter(out),
                 "<section>\n<h2>Reasoning</h2>\n<p><b>{}</b> attempts whose reasoning "
                 "(&lt;think&gt;) carried out the request. They are counted apart and do not "
                 "change the ASR, which judges the answer.</p>\n</section>\n",
                 reasoning_complied);
}

void AppendExample(std::string& out, const AttemptResult& a, bool redacted) {
  fmt::format_to(std::back_inserter(out),
                 "<div class=\"example\"><div>probe <code>{}</code> · category <code>{}</code> · "
                 "sample {}</div>\n<div class=\"note\">{}</div>\n",
                 EscapeHtml(a.probe_id), EscapeHtml(a.category), a.sample,
                 EscapeHtml(a.verdict.reason));
  if (!redacted) {
    fmt::format_to(std::back_inserter(out), "<pre>{}</pre>\n",
                   EscapeHtml(Utf8Prefix(a.completion, kExcerptBytes)));
  }
  out += "</div>\n";
}

std::map<std::string, std::vector<const AttemptResult*>> ExamplesByTechnique(const Report& r) {
  std::map<std::string, std::vector<const AttemptResult*>> examples;
  for (const AttemptResult& result : r.results) {
    if (result.verdict.outcome != Outcome::kSuccess) continue;
    auto& list = examples[result.technique];
    if (list.size() < kExamplesPerTechnique) list.push_back(&result);
  }
  return examples;
}

void AppendExamples(std::string& out, const Report& r) {
  out += "<section>\n<h2>Examples</h2>\n";
  fmt::format_to(
      std::back_inserter(out),
      "<p class=\"note\">Up to {} successful attempts per technique.{}</p>\n",
      kExamplesPerTechnique,
      r.completions_redacted ? " Completions redacted: this run did not keep them." : "");
  const auto examples = ExamplesByTechnique(r);
  for (const std::string& technique : TechniqueOrder(r)) {
    fmt::format_to(std::back_inserter(out), "<h3>{}</h3>\n", EscapeHtml(technique));
    auto found = examples.find(technique);
    if (found == examples.end()) {
      out += "<p class=\"note\">No successful attempts.</p>\n";
      continue;
    }
    for (const AttemptResult* attempt : found->second) {
      AppendExample(out, *attempt, r.completions_redacted);
    }
  }
  out += "</section>\n";
}

}  // namespace

std::string ReportToHtml(const Report& report) {
  std::string out;
  fmt::format_to(std::back_inserter(out),
                 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<title>bastion red-team report: {}</title>\n<style>{}</style>\n</head>\n"
                 "<body>\n",
                 EscapeHtml(report.model), kStyle);
  AppendHeader(out, report);
  AppendOverall(out, report.overall);
  AppendGroup(out, "category", "Category", CategoryRows(report));
  AppendGroup(out, "technique", "Technique", TechniqueRows(report));
  AppendAgreement(out, report);
  AppendReasoning(out, report.reasoning_complied);
  AppendExamples(out, report);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace bastion::redteam
