#include "app/redteam_flags.h"

#include <algorithm>

#include "common/json_writer.h"
#include "common/url.h"
#include "redteam/suite_file.h"
#include "redteam/technique.h"

namespace bastion::app {
namespace {

constexpr const char* kHelp =
    "Attack an OpenAI-compatible endpoint (bastion, vLLM, llama.cpp's server, Ollama, ...) with\n"
    "harmful behaviours under jailbreak techniques, judge every answer, and report the attack\n"
    "success rate (ASR) overall, per category and per technique with 95% Wilson intervals.\n\n"
    "  bastion redteam --target http://127.0.0.1:8080 --model M --out report.json\n"
    "  bastion redteam diff off.json on.json\n\n"
    "Exit codes: 0 done, 1 ASR above --fail-above (report still written), 2 bad flags or suite,\n"
    "3 target unreachable. See docs/redteam.md.";

// "0.2" or "20%" -> 0.2.
Result<double> ParseRate(const std::string& text) {
  try {
    size_t used = 0;
    double v = std::stod(text, &used);
    if (used < text.size() && text.substr(used) == "%")
      v /= 100;
    else if (used != text.size())
      throw std::invalid_argument(text);
    if (v < 0 || v > 1) throw std::out_of_range(text);
    return v;
  } catch (const std::exception&) {
    return Status::InvalidArgument("--fail-above takes a rate between 0 and 1 (or 0%-100%), not '" +
                                   text + "'");
  }
}

Result<redteam::Endpoint> MakeEndpoint(const std::string& url_text, const std::string& model,
                                       const std::string& key, const RedteamFlags& f,
                                       const char* what) {
  auto url = ParseUrl(url_text);
  if (!url.ok()) return Status::InvalidArgument(std::string(what) + ": " + url.status().message());
  redteam::Endpoint e{.url = std::move(*url), .model = model, .api_key = key};
  e.timeout = Millis(static_cast<int64_t>(f.timeout_s * 1000));
  e.max_tokens = f.max_tokens;
  e.temperature = f.temperature;
  return e;
}

// "llm:URL,MODEL" -> the judge endpoint; "refusal" -> none.
Result<std::optional<redteam::Endpoint>> JudgeEndpoint(const RedteamFlags& f) {
  if (f.judge == "refusal") return std::optional<redteam::Endpoint>();
  const size_t comma = f.judge.rfind(',');
  if (!f.judge.starts_with("llm:") || comma == std::string::npos || comma + 1 == f.judge.size()) {
    return Status::InvalidArgument("--judge takes 'refusal' or 'llm:URL,MODEL', not '" + f.judge +
                                   "'");
  }
  auto e = MakeEndpoint(f.judge.substr(4, comma - 4), f.judge.substr(comma + 1), f.judge_api_key, f,
                        "--judge");
  if (!e.ok()) return e.status();
  e->max_tokens = 16;  // "Yes" or "No"
  e->temperature = 0;  // the same question gets the same verdict
  return std::optional<redteam::Endpoint>(std::move(*e));
}

Status CheckRequired(const RedteamFlags& f) {
  if (f.target.empty()) return Status::InvalidArgument("--target URL is required");
  if (f.model.empty()) return Status::InvalidArgument("--model is required");
  if (f.out.empty()) return Status::InvalidArgument("--out report.json is required");
  return Status::Ok();
}

}  // namespace

CLI::App* AddRedteamFlags(CLI::App& app, RedteamFlags& f) {
  CLI::App* cmd = app.add_subcommand("redteam", "Red-team an endpoint and report its ASR");
  cmd->footer(kHelp);
  cmd->add_option("--target", f.target, "Base URL of the endpoint (…/v1 optional)");
  cmd->add_option("--model", f.model, "Model name to attack");
  cmd->add_option("--api-key", f.api_key, "Bearer key for the target")
      ->envname("BASTION_REDTEAM_API_KEY");
  cmd->add_option("--suite", f.suite, "builtin, or a JSONL / HarmBench CSV / JailbreakBench file")
      ->capture_default_str();
  cmd->add_option("--techniques", f.techniques, "all, or a comma-separated list")
      ->capture_default_str();
  cmd->add_option("--concurrency", f.concurrency, "Requests in flight")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--judge", f.judge, "refusal, or llm:URL,MODEL (refusal judge cross-checks)")
      ->capture_default_str();
  cmd->add_option("--judge-api-key", f.judge_api_key, "Bearer key for the LLM judge")
      ->envname("BASTION_REDTEAM_JUDGE_API_KEY");
  cmd->add_option("--samples", f.samples, "Attempts per probe")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--seed", f.seed, "Picks variants and order; sent to the target")
      ->capture_default_str();
  cmd->add_option("--max-tokens", f.max_tokens, "max_tokens per answer")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  cmd->add_option("--timeout", f.timeout_s, "Seconds per connect, send and answer")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  cmd->add_option("--temperature", f.temperature, "Sampling temperature (default: the server's)");
  cmd->add_option("--ca-file", f.ca_file, "CA bundle for an https target (default: system)");
  cmd->add_option("--out", f.out, "Where to write report.json");
  cmd->add_option("--html", f.html, "Also write a self-contained HTML report");
  cmd->add_option_function<std::string>(
         "--fail-above",
         [&f](const std::string& text) {
           auto rate = ParseRate(text);
           if (!rate.ok()) throw CLI::ValidationError(rate.status().message());
           f.fail_above = *rate;
         },
         "Exit 1 when the overall ASR is above RATE (0..1 or N%)")
      ->type_name("RATE");
  cmd->add_flag("--redact-completions", f.redact_completions,
                "Leave the target's answers out of the reports");
  cmd->add_flag("--quiet", f.quiet, "No progress or summary");
  return cmd;
}

Result<RunSetup> PrepareRun(const RedteamFlags& f) {
  if (Status st = CheckRequired(f); !st.ok()) return st;
  RunSetup s;
  auto suite = redteam::LoadSuite(f.suite);
  if (!suite.ok()) return suite.status();
  s.suite = std::move(*suite);
  auto techniques = redteam::ParseTechniques(f.techniques);
  if (!techniques.ok()) return techniques.status();
  s.probes = redteam::BuildProbes(s.suite, *techniques, f.seed);
  for (const redteam::Probe& p : s.probes) {
    if (std::find(s.techniques.begin(), s.techniques.end(), p.technique) == s.techniques.end()) {
      s.techniques.push_back(p.technique);
    }
  }
  if (s.probes.empty()) return Status::InvalidArgument("the suite and techniques give no probes");
  auto target = MakeEndpoint(f.target, f.model, f.api_key, f, "--target");
  if (!target.ok()) return target.status();
  s.target = std::move(*target);
  auto judge = JudgeEndpoint(f);
  if (!judge.ok()) return judge.status();
  s.judge = std::move(*judge);
  const bool https = s.target.url.scheme == "https" || (s.judge && s.judge->url.scheme == "https");
  if (https) {
    auto tls = http::TlsClientContext::Create(f.ca_file);
    if (!tls.ok()) return tls.status();
    s.tls = std::move(*tls);
    if (s.target.url.scheme == "https") s.target.tls = s.tls.get();
    if (s.judge && s.judge->url.scheme == "https") s.judge->tls = s.tls.get();
  }
  s.options = {.concurrency = f.concurrency,
               .samples = f.samples,
               .seed = f.seed,
               .redact_completions = f.redact_completions};
  return s;
}

std::string ProbeJson(const redteam::Probe& p) {
  static constexpr const char* kEncodings[] = {"plain", "base64", "rot13", "leet"};
  JsonWriter w;
  w.BeginObject().Key("id").String(p.id).Key("behavior_id").String(p.behavior_id);
  w.Key("category").String(p.category).Key("technique").String(p.technique);
  w.Key("behavior").String(p.behavior);
  w.Key("goal").String(p.goal == redteam::Goal::kComply ? "comply" : "leak_canary");
  w.Key("canaries").BeginArray();
  for (const std::string& c : p.canaries) w.String(c);
  w.EndArray();
  w.Key("answer_encoding").String(kEncodings[static_cast<int>(p.answer_encoding)]);
  w.Key("messages").BeginArray();
  for (const redteam::ChatMessage& m : p.messages) {
    w.BeginObject().Key("role").String(m.role).Key("content").String(m.content).EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

}  // namespace bastion::app
