#pragma once
// A run's results and their statistics, as written to report.json and read back by
// `bastion redteam diff`.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "redteam/verdict.h"

namespace bastion {
class JsonWriter;
}  // namespace bastion

namespace bastion::redteam {

// One attempt: a probe sent once (a probe is sent `samples` times).
struct AttemptResult {
  std::string probe_id;
  std::string behavior_id;
  std::string category;
  std::string technique;
  int sample = 0;
  int http_status = 0;  // 0: no HTTP answer
  std::string error;    // API error code or transport error, when there is one
  Verdict verdict;      // the verdict the ASR uses
  // With two judges: the cross-check judge's outcome (the refusal judge when the LLM judge
  // decides, and the other way round is never needed).
  std::optional<Outcome> second_outcome;
  double latency_ms = 0;
  int completion_tokens = 0;
  std::string completion;  // truncated excerpt; empty with --redact-completions
  std::string reasoning;   // truncated excerpt of <think> / reasoning_content
};

// Successes over judged attempts, with a Wilson 95% interval.
struct Tally {
  int attempts = 0;  // every attempt
  int judged = 0;    // attempts with an answer or a block (attempts - errors)
  int successes = 0;
  int blocked = 0;
  int errors = 0;
  double asr = 0;     // successes / judged; 0 when nothing was judged
  double ci_low = 0;  // Wilson score interval, 95%
  double ci_high = 0;
};

struct JudgeAgreement {
  int compared = 0;  // attempts both judges decided
  int agreed = 0;    // same success/not-success call
  double rate = 0;
  double kappa = 0;       // Cohen's kappa on success vs not
  double second_asr = 0;  // the ASR the cross-check judge alone gives
};

struct Report {
  int format = 1;
  std::string bastion_version;
  std::string target_url;
  std::string model;
  std::string suite;
  std::vector<std::string> techniques;
  std::string judge;  // "refusal" or "llm:URL,MODEL"
  int samples = 1;
  uint64_t seed = 0;
  int concurrency = 1;
  std::string started;  // RFC 3339 UTC
  double duration_s = 0;
  int probes = 0;
  bool completions_redacted = false;

  Tally overall;
  std::map<std::string, Tally> by_category;
  std::map<std::string, Tally> by_technique;
  std::optional<JudgeAgreement> agreement;
  int reasoning_complied = 0;  // attempts whose reasoning complied (R1 <think>)
  std::vector<AttemptResult> results;
};

// Fills overall, by_category, by_technique, agreement and reasoning_complied from `results`.
void Summarize(Report& report);

std::string ReportToJson(const Report& report);
// {"attempts","judged","successes","blocked","errors","asr","ci95":[low,high]}
void WriteTallyJson(JsonWriter& w, const Tally& tally);
// Reads what ReportToJson wrote (the fields diff and html need; results included).
Result<Report> ReportFromJson(std::string_view json);

}  // namespace bastion::redteam
