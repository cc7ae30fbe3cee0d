// bastion redteam: attack an OpenAI-compatible endpoint with a suite of behaviours under
// jailbreak techniques, judge the answers and report the attack success rate (ASR).
// Subcommands: list (the probes a run would send), techniques, diff (two reports).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "app/commands.h"
#include "app/redteam_flags.h"
#include "audit/event.h"
#include "common/version.h"
#include "redteam/report_diff.h"
#include "redteam/report_html.h"
#include "redteam/runner.h"
#include "redteam/suite_file.h"
#include "redteam/technique.h"

namespace bastion::app {
namespace {

constexpr int kExitUnreachable = 3;

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "bastion redteam: %s\n", message.c_str());
  return code;
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IoError("cannot write " + path);
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

// Progress on stderr: a live counter on a terminal, a line per tenth otherwise.
redteam::ProgressFn Progress(bool quiet) {
  if (quiet) return nullptr;
  const bool tty = isatty(STDERR_FILENO) != 0;
  return [tty, last = -1](int done, int total) mutable {
    const int tenth = total > 0 ? done * 10 / total : 10;
    if (tty) {
      std::fprintf(stderr, "\rbastion redteam: %d/%d attempts", done, total);
      if (done == total) std::fputc('\n', stderr);
    } else if (tenth != last) {
      std::fprintf(stderr, "bastion redteam: %d/%d attempts\n", done, total);
    }
    last = tenth;
  };
}

void PrintTally(const char* group, const std::string& name, const redteam::Tally& t) {
  std::printf("%-10s %-26s %6.1f%%  [%5.1f–%5.1f]  %4d/%-4d blocked %-4d errors %d\n", group,
              name.c_str(), 100 * t.asr, 100 * t.ci_low, 100 * t.ci_high, t.successes, t.judged,
              t.blocked, t.errors);
}

void PrintSummary(const redteam::Report& r) {
  std::printf("group      name                          ASR   95%% interval  success/judged\n");
  PrintTally("overall", "all", r.overall);
  for (const auto& [name, t] : r.by_category) PrintTally("category", name, t);
  for (const auto& [name, t] : r.by_technique) PrintTally("technique", name, t);
  if (r.agreement) {
    std::printf("judges agree on %d of %d answers (%.1f%%, kappa %.2f); refusal judge ASR %.1f%%\n",
                r.agreement->agreed, r.agreement->compared, 100 * r.agreement->rate,
                r.agreement->kappa, 100 * r.agreement->second_asr);
  }
  if (r.reasoning_complied > 0) {
    std::printf("reasoning carried out the request in %d answers\n", r.reasoning_complied);
  }
}

int Run(const RedteamFlags& f) {
  auto setup = PrepareRun(f);
  if (!setup.ok()) return Fail(kExitUsage, setup.status().message());
  RunSetup& s = *setup;
  redteam::Report report{.bastion_version = kVersion,
                         .target_url = f.target,
                         .model = f.model,
                         .suite = s.suite.name,
                         .techniques = s.techniques,
                         .judge = f.judge,
                         .samples = f.samples,
                         .seed = f.seed,
                         .concurrency = f.concurrency,
                         .started = audit::FormatTime(audit::UnixMillisNow()),
                         .probes = static_cast<int>(s.probes.size()),
                         .completions_redacted = f.redact_completions};
  const auto start = std::chrono::steady_clock::now();
  auto results = redteam::RunAttempts(s.probes, s.options, s.target, s.judge, Progress(f.quiet));
  if (!results.ok()) return Fail(kExitUnreachable, results.status().message());
  report.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.results = std::move(*results);
  redteam::Summarize(report);
  if (Status st = WriteFile(f.out, redteam::ReportToJson(report)); !st.ok()) {
    return Fail(kExitFailure, st.message());
  }
  if (!f.html.empty()) {
    if (Status st = WriteFile(f.html, redteam::ReportToHtml(report)); !st.ok()) {
      return Fail(kExitFailure, st.message());
    }
  }
  if (!f.quiet) PrintSummary(report);
  if (f.fail_above && report.overall.asr > *f.fail_above) {
    std::fprintf(stderr, "bastion redteam: ASR %.1f%% is above --fail-above %.1f%%\n",
                 100 * report.overall.asr, 100 * *f.fail_above);
    return kExitFailure;
  }
  return kExitOk;
}

int List(const RedteamFlags& f) {
  auto suite = redteam::LoadSuite(f.suite);
  if (!suite.ok()) return Fail(kExitUsage, suite.status().message());
  auto techniques = redteam::ParseTechniques(f.techniques);
  if (!techniques.ok()) return Fail(kExitUsage, techniques.status().message());
  for (const redteam::Probe& p : redteam::BuildProbes(*suite, *techniques, f.seed)) {
    std::printf("%s\n", ProbeJson(p).c_str());
  }
  return kExitOk;
}

int Techniques() {
  for (const redteam::Technique& t : redteam::AllTechniques()) {
    std::printf("%-26s %s%s\n", std::string(t.name).c_str(), std::string(t.summary).c_str(),
                t.per_behavior ? "" : " (its own probes, not per behaviour)");
  }
  return kExitOk;
}

int Diff(const std::string& a_path, const std::string& b_path, bool json) {
  redteam::Report reports[2];
  const std::string* paths[2] = {&a_path, &b_path};
  for (int i = 0; i < 2; ++i) {
    auto text = ReadFile(*paths[i]);
    if (!text.ok()) return Fail(kExitUsage, text.status().message());
    auto report = redteam::ReportFromJson(*text);
    if (!report.ok()) return Fail(kExitUsage, *paths[i] + ": " + report.status().message());
    reports[i] = std::move(*report);
  }
  const auto rows = redteam::DiffReports(reports[0], reports[1]);
  const std::string out = json ? redteam::DiffToJson(rows, reports[0], reports[1]) + "\n"
                               : redteam::DiffToText(rows, reports[0], reports[1]);
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

}  // namespace

Command RegisterRedteam(CLI::App& app) {
  auto f = std::make_shared<RedteamFlags>();
  CLI::App* cmd = AddRedteamFlags(app, *f);
  CLI::App* list = cmd->add_subcommand("list", "Print the probes a run would send, as JSONL");
  list->fallthrough();  // --suite, --techniques and --seed belong to redteam
  CLI::App* techniques = cmd->add_subcommand("techniques", "List the attack techniques");
  CLI::App* diff = cmd->add_subcommand(
      "diff", "Compare two reports (e.g. guardrails off, then on): ASR deltas per group");
  auto diff_paths = std::make_shared<std::vector<std::string>>();
  auto diff_json = std::make_shared<bool>(false);
  diff->add_option("reports", *diff_paths, "A.json B.json")->required()->expected(2);
  diff->add_flag("--json", *diff_json, "Print the rows as JSON");
  return [=] {
    if (list->parsed()) return List(*f);
    if (techniques->parsed()) return Techniques();
    if (diff->parsed()) return Diff((*diff_paths)[0], (*diff_paths)[1], *diff_json);
    return Run(*f);
  };
}

}  // namespace bastion::app
