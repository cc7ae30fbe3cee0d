#include "gateway/filters/access_log/access_log_filter.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "common/json_writer.h"
#include "common/log.h"
#include "gateway/filters/guard/guard_exchange.h"

namespace bastion::gateway {
namespace {

double MillisSince(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

// The distinct rule ids of `findings`, in the order found.
std::vector<std::string_view> Rules(const std::vector<guard::Finding>& findings) {
  std::vector<std::string_view> rules;
  for (const guard::Finding& f : findings) {
    if (std::find(rules.begin(), rules.end(), f.rule) == rules.end()) rules.push_back(f.rule);
  }
  return rules;
}

// " guard_in=redact:pii.email,pii.phone": the verdict and the rules behind it, never the text.
void AppendGuard(std::string& line, std::string_view key, guard::Action verdict,
                 const std::vector<guard::Finding>& findings) {
  if (findings.empty()) return;
  line.append(key).append(guard::ActionName(verdict));
  char separator = ':';
  for (std::string_view rule : Rules(findings)) {
    line.push_back(separator);
    line.append(rule);
    separator = ',';
  }
}

// "guard_in":{"verdict":"redact","rules":["pii.email"]}, when there were findings.
void WriteGuard(JsonWriter& w, std::string_view key, guard::Action verdict,
                const std::vector<guard::Finding>& findings) {
  if (findings.empty()) return;
  w.Key(key).BeginObject().Key("verdict").String(guard::ActionName(verdict));
  w.Key("rules").BeginArray();
  for (std::string_view rule : Rules(findings)) w.String(rule);
  w.EndArray().EndObject();
}

// Milliseconds rounded to microseconds, as in the text line.
double RoundedMillis(Clock::time_point start, Clock::time_point end) {
  return std::round(MillisSince(start, end) * 1000) / 1000;
}

void WriteOptionalString(JsonWriter& w, std::string_view key, std::string_view value) {
  w.Key(key);
  if (value.empty()) {
    w.Null();
  } else {
    w.String(value);
  }
}

}  // namespace

std::string AccessLogFilter::FormatJson(const Exchange& ex) {
  auto now = Clock::now();
  JsonWriter w;
  w.Key("request_id").String(ex.request_id).Key("method").String(ex.request.method);
  w.Key("route").String(ex.route).Key("status").Int(ex.status);
  WriteOptionalString(w, "model", ex.model);
  WriteOptionalString(w, "upstream", ex.upstream);
  w.Key("attempts").Int(ex.attempts).Key("duration_ms").Double(RoundedMillis(ex.start, now));
  if (ex.first_byte) w.Key("ttfb_ms").Double(RoundedMillis(ex.start, *ex.first_byte));
  if (ex.inference) w.Key("stream").Bool(ex.inference->stream);
  w.Key("bytes").Uint(ex.response_bytes);
  if (ex.prompt_tokens >= 0) w.Key("prompt_tokens").Int(ex.prompt_tokens);
  if (ex.completion_tokens >= 0) w.Key("completion_tokens").Int(ex.completion_tokens);
  if (!ex.error_code.empty()) w.Key("error").String(ex.error_code);
  if (ex.identity) {
    w.Key("subject").String(ex.identity->subject);
    w.Key("role").String(auth::RoleName(ex.identity->role));
  }
  if (!ex.auth_failure.empty()) w.Key("auth_failure").String(ex.auth_failure);
  if (ex.guard) {
    WriteGuard(w, "guard_in", ex.guard->input_verdict, ex.guard->input_findings);
    WriteGuard(w, "guard_out", ex.guard->output_verdict, ex.guard->output_findings);
  }
  if (ex.client_gone) w.Key("client_gone").Bool(true);
  return w.Take();
}

std::string AccessLogFilter::Format(const Exchange& ex) {
  // Compiled format strings: this runs once per request, on the request's thread.
  auto now = Clock::now();
  std::string line;
  line.reserve(256);
  auto out = std::back_inserter(line);
  fmt::format_to(out,
                 FMT_COMPILE("request id={} method={} route={} status={} model={} upstream={} "
                             "attempts={} duration_ms={:.3f}"),
                 ex.request_id, ex.request.method, ex.route, ex.status,
                 ex.model.empty() ? std::string_view("-") : std::string_view(ex.model),
                 ex.upstream.empty() ? std::string_view("-") : std::string_view(ex.upstream),
                 ex.attempts, MillisSince(ex.start, now));
  if (ex.first_byte) {
    fmt::format_to(out, FMT_COMPILE(" ttfb_ms={:.3f}"), MillisSince(ex.start, *ex.first_byte));
  }
  if (ex.inference) line += ex.inference->stream ? " stream=true" : " stream=false";
  fmt::format_to(out, FMT_COMPILE(" bytes={}"), ex.response_bytes);
  if (!ex.error_code.empty()) line.append(" error=").append(ex.error_code);
  if (ex.identity) {
    line.append(" subject=").append(ex.identity->subject);
    line.append(" role=").append(auth::RoleName(ex.identity->role));
  }
  if (!ex.auth_failure.empty()) line.append(" auth_failure=").append(ex.auth_failure);
  if (ex.guard) {
    AppendGuard(line, " guard_in=", ex.guard->input_verdict, ex.guard->input_findings);
    AppendGuard(line, " guard_out=", ex.guard->output_verdict, ex.guard->output_findings);
  }
  if (ex.client_gone) line += " client_gone=true";
  return line;
}

void AccessLogFilter::OnComplete(Exchange& ex) {
  if (!spdlog::should_log(spdlog::level::info)) return;
  if (JsonLogs()) {
    LogJsonEvent(spdlog::level::info, "request", FormatJson(ex));
  } else {
    spdlog::info("{}", Format(ex));
  }
}

}  // namespace bastion::gateway
