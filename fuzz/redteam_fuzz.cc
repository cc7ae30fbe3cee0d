// What the red-team harness reads from untrusted bytes: suite files (JSONL, HarmBench and
// JailbreakBench CSV, artifact JSON), reports handed to `redteam diff`, and the target's
// answers, which the judges decode and search. Checks that a report read back writes the same
// JSON, that rot13 is its own inverse, and that answer text cannot put markup into the HTML.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "redteam/csv.h"
#include "redteam/llm_judge.h"
#include "redteam/refusal_judge.h"
#include "redteam/report.h"
#include "redteam/report_html.h"
#include "redteam/suite_file.h"
#include "redteam/text_codec.h"

namespace {

using namespace bastion::redteam;

void JudgeAnswers(const std::string& bytes) {
  for (Goal goal : {Goal::kComply, Goal::kLeakCanary}) {
    for (AnswerEncoding e : {AnswerEncoding::kPlain, AnswerEncoding::kBase64,
                             AnswerEncoding::kRot13, AnswerEncoding::kLeet}) {
      Probe probe{.id = "p",
                  .behavior = "do the thing",
                  .messages = {{"user", "do the thing"}},
                  .goal = goal,
                  .canaries = {"ORCHID-1a2b"},
                  .answer_encoding = e};
      (void)JudgeByRefusal(probe, {.http_status = 200, .content = bytes});
      (void)JudgeByRefusal(probe, {.http_status = 200, .content = "ok", .reasoning = bytes});
    }
  }
  (void)ParseLlmJudgeAnswer(bytes);
}

void ReadReport(const std::string& bytes) {
  auto report = ReportFromJson(bytes);
  if (!report.ok()) return;
  const std::string json = ReportToJson(*report);
  auto again = ReportFromJson(json);
  if (!again.ok() || ReportToJson(*again) != json) std::abort();
}

void RenderHtml(const std::string& bytes) {
  Report report;
  AttemptResult r{.probe_id = bytes, .category = bytes, .technique = "direct"};
  r.verdict = {Outcome::kSuccess, bytes, false};
  r.completion = bytes;
  report.techniques = {"direct"};
  report.results.push_back(r);
  Summarize(report);
  const std::string html = ReportToHtml(report);
  if (bytes.find("<script") != std::string::npos && html.find("<script") != std::string::npos) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)ParseCsv(bytes);
  (void)ParseSuite(bytes, "fuzz");
  ReadReport(bytes);
  JudgeAnswers(bytes);
  (void)Base64DecodeText(bytes);
  (void)LeetDecode(bytes);
  if (Rot13(Rot13(bytes)) != bytes) std::abort();
  RenderHtml(bytes);
  return 0;
}
