// report.json: written by a run, read back by diff and by the HTML renderer.
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "common/json_writer.h"
#include "redteam/report.h"

namespace bastion::redteam {

void WriteTallyJson(JsonWriter& w, const Tally& t) {
  w.BeginObject();
  w.Key("attempts").Int(t.attempts).Key("judged").Int(t.judged);
  w.Key("successes").Int(t.successes).Key("blocked").Int(t.blocked).Key("errors").Int(t.errors);
  w.Key("asr").Double(t.asr);
  w.Key("ci95").BeginArray().Double(t.ci_low).Double(t.ci_high).EndArray();
  w.EndObject();
}

namespace {

void WriteTallies(JsonWriter& w, std::string_view key, const std::map<std::string, Tally>& map) {
  w.Key(key).BeginObject();
  for (const auto& [name, tally] : map) {
    w.Key(name);
    WriteTallyJson(w, tally);
  }
  w.EndObject();
}

void WriteResult(JsonWriter& w, const AttemptResult& r, bool redacted) {
  w.BeginObject();
  w.Key("probe").String(r.probe_id).Key("behavior").String(r.behavior_id);
  w.Key("category").String(r.category).Key("technique").String(r.technique);
  w.Key("sample").Int(r.sample).Key("http_status").Int(r.http_status);
  w.Key("error").String(r.error);
  w.Key("outcome").String(OutcomeName(r.verdict.outcome)).Key("reason").String(r.verdict.reason);
  if (r.second_outcome) w.Key("second_outcome").String(OutcomeName(*r.second_outcome));
  w.Key("reasoning_complied").Bool(r.verdict.reasoning_complied);
  w.Key("latency_ms").Double(r.latency_ms).Key("completion_tokens").Int(r.completion_tokens);
  if (!redacted) {
    w.Key("completion").String(r.completion);
    if (!r.reasoning.empty()) w.Key("reasoning").String(r.reasoning);
  }
  w.EndObject();
}

using Element = simdjson::dom::element;

std::string Str(Element e, const char* key) {
  std::string_view s;
  return e[key].get_string().get(s) ? std::string() : std::string(s);
}

// Integers written by ReportToJson; anything else (a float, out of range) is clamped, since
// a report handed to diff may have been edited by hand.
int64_t Int(Element e, const char* key) {
  int64_t v = 0;
  if (e[key].get_int64().get(v)) {
    double d = 0;
    if (!e[key].get_double().get(d) && std::isfinite(d)) {
      v = static_cast<int64_t>(std::clamp(d, -9e15, 9e15));
    }
  }
  return std::clamp<int64_t>(v, INT32_MIN, INT32_MAX);
}

double Dbl(Element e, const char* key) {
  double d = 0;
  if (e[key].get_double().get(d)) {
    int64_t v = 0;
    if (!e[key].get_int64().get(v)) d = static_cast<double>(v);
  }
  return d;
}

bool ReadTally(Element e, Tally& t) {
  if (!e.is_object()) return false;
  t.attempts = static_cast<int>(Int(e, "attempts"));
  t.judged = static_cast<int>(Int(e, "judged"));
  t.successes = static_cast<int>(Int(e, "successes"));
  t.blocked = static_cast<int>(Int(e, "blocked"));
  t.errors = static_cast<int>(Int(e, "errors"));
  t.asr = Dbl(e, "asr");
  simdjson::dom::array ci;
  if (!e["ci95"].get_array().get(ci) && ci.size() == 2) {
    double low = 0, high = 0;
    if (!ci.at(0).get_double().get(low)) t.ci_low = low;
    if (!ci.at(1).get_double().get(high)) t.ci_high = high;
  }
  return true;
}

void ReadTallies(Element root, const char* key, std::map<std::string, Tally>& out) {
  simdjson::dom::object map;
  if (root[key].get_object().get(map)) return;
  for (auto field : map) ReadTally(field.value, out[std::string(field.key)]);
}

AttemptResult ReadResult(Element e) {
  AttemptResult r;
  r.probe_id = Str(e, "probe");
  r.behavior_id = Str(e, "behavior");
  r.category = Str(e, "category");
  r.technique = Str(e, "technique");
  r.sample = static_cast<int>(Int(e, "sample"));
  r.http_status = static_cast<int>(Int(e, "http_status"));
  r.error = Str(e, "error");
  ParseOutcome(Str(e, "outcome"), r.verdict.outcome);
  r.verdict.reason = Str(e, "reason");
  Outcome second;
  if (ParseOutcome(Str(e, "second_outcome"), second)) r.second_outcome = second;
  bool complied = false;
  if (!e["reasoning_complied"].get_bool().get(complied)) r.verdict.reasoning_complied = complied;
  r.latency_ms = Dbl(e, "latency_ms");
  r.completion_tokens = static_cast<int>(Int(e, "completion_tokens"));
  r.completion = Str(e, "completion");
  r.reasoning = Str(e, "reasoning");
  return r;
}

void ReadHeader(Element root, Report& r) {
  r.format = static_cast<int>(Int(root, "format"));
  r.bastion_version = Str(root, "bastion_version");
  simdjson::dom::element target;
  if (!root["target"].get(target)) {
    r.target_url = Str(target, "url");
    r.model = Str(target, "model");
  }
  r.suite = Str(root, "suite");
  simdjson::dom::array techniques;
  if (!root["techniques"].get_array().get(techniques)) {
    for (Element t : techniques) {
      std::string_view s;
      if (!t.get_string().get(s)) r.techniques.emplace_back(s);
    }
  }
  r.judge = Str(root, "judge");
  r.samples = static_cast<int>(Int(root, "samples"));
  uint64_t seed = 0;
  if (!root["seed"].get_uint64().get(seed)) r.seed = seed;
  r.concurrency = static_cast<int>(Int(root, "concurrency"));
  r.started = Str(root, "started");
  r.duration_s = Dbl(root, "duration_s");
  r.probes = static_cast<int>(Int(root, "probes"));
  bool redacted = false;
  if (!root["completions_redacted"].get_bool().get(redacted)) r.completions_redacted = redacted;
}

}  // namespace

std::string ReportToJson(const Report& r) {
  JsonWriter w;
  w.BeginObject();
  w.Key("format").Int(r.format).Key("bastion_version").String(r.bastion_version);
  w.Key("target").BeginObject().Key("url").String(r.target_url).Key("model").String(r.model);
  w.EndObject();
  w.Key("suite").String(r.suite).Key("techniques").BeginArray();
  for (const std::string& t : r.techniques) w.String(t);
  w.EndArray();
  w.Key("judge").String(r.judge).Key("samples").Int(r.samples);
  w.Key("seed").Uint(r.seed).Key("concurrency").Int(r.concurrency);
  w.Key("started").String(r.started).Key("duration_s").Double(r.duration_s);
  w.Key("probes").Int(r.probes).Key("completions_redacted").Bool(r.completions_redacted);
  w.Key("overall");
  WriteTallyJson(w, r.overall);
  WriteTallies(w, "by_category", r.by_category);
  WriteTallies(w, "by_technique", r.by_technique);
  if (r.agreement) {
    const JudgeAgreement& a = *r.agreement;
    w.Key("agreement").BeginObject().Key("compared").Int(a.compared).Key("agreed").Int(a.agreed);
    w.Key("rate").Double(a.rate).Key("kappa").Double(a.kappa);
    w.Key("second_asr").Double(a.second_asr).EndObject();
  }
  w.Key("reasoning_complied").Int(r.reasoning_complied);
  w.Key("results").BeginArray();
  for (const AttemptResult& result : r.results) WriteResult(w, result, r.completions_redacted);
  w.EndArray();
  w.EndObject();
  std::string out = w.Take();
  out += '\n';
  return out;
}

Result<Report> ReportFromJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(json);
  if (parser.parse(padded).get(root) || !root.is_object()) {
    return Status::InvalidArgument("not a JSON object");
  }
  Report r;
  ReadHeader(root, r);
  simdjson::dom::element overall;
  if (r.format != 1 || root["overall"].get(overall) || !ReadTally(overall, r.overall)) {
    return Status::InvalidArgument("not a bastion redteam report (format 1)");
  }
  ReadTallies(root, "by_category", r.by_category);
  ReadTallies(root, "by_technique", r.by_technique);
  simdjson::dom::element agreement;
  if (!root["agreement"].get(agreement) && agreement.is_object()) {
    JudgeAgreement a;
    a.compared = static_cast<int>(Int(agreement, "compared"));
    a.agreed = static_cast<int>(Int(agreement, "agreed"));
    a.rate = Dbl(agreement, "rate");
    a.kappa = Dbl(agreement, "kappa");
    a.second_asr = Dbl(agreement, "second_asr");
    r.agreement = a;
  }
  r.reasoning_complied = static_cast<int>(Int(root, "reasoning_complied"));
  simdjson::dom::array results;
  if (!root["results"].get_array().get(results)) {
    for (Element e : results) {
      if (e.is_object()) r.results.push_back(ReadResult(e));
    }
  }
  return r;
}

}  // namespace bastion::redteam
