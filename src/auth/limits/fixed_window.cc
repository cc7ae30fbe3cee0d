#include "auth/limits/fixed_window.h"

#include <algorithm>

namespace bastion::auth {
namespace {

// `used + more <= limit`, written so it cannot overflow; 0 means no limit.
bool HasRoom(int64_t limit, int64_t used, int64_t more) {
  return limit <= 0 || more <= limit - used;
}

int64_t MsUntilNextMinute(int64_t now_ms) { return kMinuteMs - now_ms % kMinuteMs; }
int64_t MsUntilNextDay(int64_t now_ms) { return kDayMs - now_ms % kDayMs; }

int64_t RetryAfterMs(std::string_view exceeded, int64_t now_ms) {
  if (exceeded == "daily_tokens") return MsUntilNextDay(now_ms);
  if (exceeded == "concurrent") return kConcurrentRetryMs;
  return MsUntilNextMinute(now_ms);
}

}  // namespace

int64_t ClampTokens(int64_t tokens) { return std::clamp<int64_t>(tokens, 0, kMaxTokens); }

std::string_view ExceededLimit(const Limits& limits, const WindowUsage& usage,
                               int64_t estimated_tokens) {
  if (!HasRoom(limits.requests_per_minute, usage.minute_requests, 1)) return "requests";
  if (!HasRoom(limits.tokens_per_minute, usage.minute_tokens, estimated_tokens)) return "tokens";
  if (!HasRoom(limits.daily_tokens, usage.day_tokens, estimated_tokens)) return "daily_tokens";
  if (!HasRoom(limits.concurrent, usage.in_flight, 1)) return "concurrent";
  return {};
}

LimitDecision MakeDecision(const Limits& limits, const WindowUsage& usage,
                           std::string_view exceeded, int64_t now_ms) {
  LimitDecision decision;
  decision.allowed = exceeded.empty();
  if (!decision.allowed) {
    decision.exceeded = std::string(exceeded);
    decision.retry_after_ms = RetryAfterMs(exceeded, now_ms);
  }
  if (limits.requests_per_minute > 0) {
    decision.limit_requests = limits.requests_per_minute;
    decision.remaining_requests =
        std::max<int64_t>(0, limits.requests_per_minute - usage.minute_requests);
    decision.reset_requests_ms = MsUntilNextMinute(now_ms);
  }
  if (limits.tokens_per_minute > 0) {
    decision.limit_tokens = limits.tokens_per_minute;
    decision.remaining_tokens =
        std::max<int64_t>(0, limits.tokens_per_minute - usage.minute_tokens);
    decision.reset_tokens_ms = MsUntilNextMinute(now_ms);
  }
  return decision;
}

}  // namespace bastion::auth
