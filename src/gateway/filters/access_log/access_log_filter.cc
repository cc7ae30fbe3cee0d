#include "gateway/filters/access_log/access_log_filter.h"

#include <fmt/format.h>

#include "common/log.h"

namespace bastion::gateway {
namespace {

double MillisSince(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

}  // namespace

std::string AccessLogFilter::Format(const Exchange& ex) {
  auto now = Clock::now();
  std::string line = fmt::format(
      "request id={} method={} route={} status={} model={} upstream={} attempts={} "
      "duration_ms={:.3f}",
      ex.request_id, ex.request.method, ex.route, ex.status, ex.model.empty() ? "-" : ex.model,
      ex.upstream.empty() ? "-" : ex.upstream, ex.attempts, MillisSince(ex.start, now));
  if (ex.first_byte) line += fmt::format(" ttfb_ms={:.3f}", MillisSince(ex.start, *ex.first_byte));
  if (ex.inference) line += fmt::format(" stream={}", ex.inference->stream);
  line += fmt::format(" bytes={}", ex.response_bytes);
  if (!ex.error_code.empty()) line += " error=" + ex.error_code;
  if (ex.client_gone) line += " client_gone=true";
  return line;
}

void AccessLogFilter::OnComplete(Exchange& ex) {
  if (spdlog::should_log(spdlog::level::info)) spdlog::info("{}", Format(ex));
}

}  // namespace bastion::gateway
