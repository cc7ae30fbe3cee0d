// redteam.report: a recent `bastion redteam` report whose overall attack success rate is under
// the ceiling the operator set ([posture] redteam_report, max_asr, max_report_age).
#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>

#include "posture/config_checks.h"
#include "redteam/report.h"

namespace bastion::posture {
namespace {

constexpr const char* kId = "redteam.report";

// "2026-12-03T23:00:00Z" or with fractional seconds, as `bastion redteam` writes it.
std::optional<int64_t> ParseUtcMillis(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) return std::nullopt;
  int64_t ms = 0;
  if (*end == '.') {
    int64_t scale = 100;
    for (++end; *end >= '0' && *end <= '9'; ++end, scale /= 10) ms += (*end - '0') * scale;
  }
  if (std::string_view(end) != "Z" && std::string_view(end) != "+00:00") return std::nullopt;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

std::string Percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", fraction * 100);
  return text;
}

// "3 days", "5 hours".
std::string Age(int64_t ms) {
  if (ms >= 86'400'000) return std::to_string(ms / 86'400'000) + " days";
  return std::to_string(ms / 3'600'000) + " hours";
}

std::string ModelNames(const Config& config) {
  std::string names;
  for (const ModelConfig& m : config.models) names += (names.empty() ? "" : ", ") + m.name;
  return names;
}

// Whether the report attacked a model this config serves (unknowable for unnamed path models).
bool AttackedServedModel(const Config& config, const redteam::Report& r) {
  for (const ModelConfig& m : config.models) {
    if (m.name.empty() || m.name == r.model) return true;
  }
  return config.models.empty();
}

void Judge(const Config& config, const redteam::Report& r, int64_t started_ms, int64_t now_ms,
           Checklist& out) {
  const PostureConfig& p = config.posture;
  const int64_t age_ms = std::max<int64_t>(0, now_ms - started_ms);
  const std::string detail = "overall ASR " + Percent(r.overall.asr) + " [" +
                             Percent(r.overall.ci_low) + "-" + Percent(r.overall.ci_high) +
                             "] over " + std::to_string(r.overall.judged) +
                             " judged attempts against " + r.model + ", started " + r.started +
                             " (" + Age(age_ms) + " ago); ceiling " + Percent(p.max_asr);
  const std::string rerun =
      "run `bastion redteam --target URL --model M --out " + p.redteam_report + "` again";
  if (r.overall.judged == 0) {
    return out.Fail(kId,
                    detail + ": nothing was judged (" + std::to_string(r.overall.errors) +
                        " errors), so the run proves nothing",
                    "check the target and key, then " + rerun);
  }
  if (r.overall.asr > p.max_asr) {
    return out.Fail(kId, detail + ": above the ceiling",
                    "tighten [guard.actions] (e.g. harm = \"block\") or add a classifier_model, "
                    "then " +
                        rerun);
  }
  if (age_ms > p.max_report_age.count()) {
    return out.Warn(kId, detail + ": older than max_report_age " + FormatDuration(p.max_report_age),
                    rerun);
  }
  if (!AttackedServedModel(config, r)) {
    return out.Warn(kId, detail + ": this config serves " + ModelNames(config) + ", not " + r.model,
                    rerun + " against a served model");
  }
  out.Pass(kId, detail);
}

}  // namespace

void CheckRedteamReport(const Config& config, const PostureEnv& env, Checklist& out) {
  const std::string& path = config.posture.redteam_report;
  if (path.empty()) {
    return out.Warn(kId, "no red-team report configured: how often attacks succeed is unknown",
                    "run `bastion redteam --target URL --model M --out report.json` and set "
                    "[posture] redteam_report = \"report.json\"");
  }
  const char* fix = "point [posture] redteam_report at a report.json written by `bastion redteam`";
  auto text = env.ReadFile(path);
  if (!text.ok()) return out.Fail(kId, text.status().message(), fix);
  auto report = redteam::ReportFromJson(*text);
  if (!report.ok()) return out.Fail(kId, path + ": " + report.status().message(), fix);
  const auto started = ParseUtcMillis(report->started);
  if (!started) {
    return out.Fail(kId, path + ": no valid start time (\"started\": \"" + report->started + "\")",
                    fix);
  }
  Judge(config, *report, *started, env.NowUnixMs(), out);
}

}  // namespace bastion::posture
