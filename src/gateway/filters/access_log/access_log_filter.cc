#include "gateway/filters/access_log/access_log_filter.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "common/log.h"
#include "gateway/filters/guard/guard_exchange.h"

namespace bastion::gateway {
namespace {

double MillisSince(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

// " guard_in=redact:pii.email,pii.phone": the verdict and the rules behind it, never the text.
void AppendGuard(std::string& line, std::string_view key, guard::Action verdict,
                 const std::vector<guard::Finding>& findings) {
  if (findings.empty()) return;
  line.append(key).append(guard::ActionName(verdict));
  char separator = ':';
  std::vector<std::string_view> seen;
  for (const guard::Finding& f : findings) {
    if (std::find(seen.begin(), seen.end(), f.rule) != seen.end()) continue;
    seen.push_back(f.rule);
    line.push_back(separator);
    line.append(f.rule);
    separator = ',';
  }
}

}  // namespace

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
  if (spdlog::should_log(spdlog::level::info)) spdlog::info("{}", Format(ex));
}

}  // namespace bastion::gateway
