#include "gateway/filters/auth/rate_limit_headers.h"

#include <fmt/format.h>

namespace bastion::gateway {

std::string FormatResetDuration(int64_t ms) {
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms < 60'000) return fmt::format("{:g}s", static_cast<double>(ms) / 1000.0);
  int64_t s = ms / 1000;
  if (s < 3600) return fmt::format("{}m{}s", s / 60, s % 60);
  return fmt::format("{}h{}m{}s", s / 3600, s % 3600 / 60, s % 60);
}

void AddRateLimitHeaders(const auth::LimitDecision& d, http::HeaderList& headers) {
  if (d.limit_requests >= 0) {
    headers.emplace_back("x-ratelimit-limit-requests", std::to_string(d.limit_requests));
    headers.emplace_back("x-ratelimit-remaining-requests", std::to_string(d.remaining_requests));
    headers.emplace_back("x-ratelimit-reset-requests", FormatResetDuration(d.reset_requests_ms));
  }
  if (d.limit_tokens >= 0) {
    headers.emplace_back("x-ratelimit-limit-tokens", std::to_string(d.limit_tokens));
    headers.emplace_back("x-ratelimit-remaining-tokens", std::to_string(d.remaining_tokens));
    headers.emplace_back("x-ratelimit-reset-tokens", FormatResetDuration(d.reset_tokens_ms));
  }
  if (!d.allowed) headers.emplace_back("retry-after-ms", std::to_string(d.retry_after_ms));
}

}  // namespace bastion::gateway
