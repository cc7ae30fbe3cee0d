#pragma once
// The fixed-window arithmetic and the admission rule that both limiter stores share, so that
// a MemoryLimiter and a RedisLimiter decide alike. The Redis store runs the same rule inside a
// Lua script (redis_limiter.cc); a change here needs the same change there.
//
// Pure functions; thread-safe.

#include <cstdint>
#include <string_view>

#include "auth/identity.h"
#include "auth/limits/limiter.h"

namespace bastion::auth {

inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int64_t kDayMs = 86'400'000;
// A concurrency slot frees when some request finishes, which no window predicts: clients are
// told to try again after a second.
inline constexpr int64_t kConcurrentRetryMs = 1'000;
// Token counts are clamped to [0, kMaxTokens]: far above any real budget, and small enough
// that sums stay exact in Lua's doubles and never overflow int64.
inline constexpr int64_t kMaxTokens = int64_t{1} << 50;

// Windows are aligned to UTC: minute N is [N * 60 s, (N + 1) * 60 s) of Unix time.
// REQUIRES: now_ms >= 0.
inline int64_t MinuteIndex(int64_t now_ms) { return now_ms / kMinuteMs; }
inline int64_t DayIndex(int64_t now_ms) { return now_ms / kDayMs; }

int64_t ClampTokens(int64_t tokens);

// What one subject has used in its current windows.
struct WindowUsage {
  int64_t minute_requests = 0;
  int64_t minute_tokens = 0;
  int64_t day_tokens = 0;
  int64_t in_flight = 0;
};

// The first limit, in the order requests, tokens, daily_tokens, concurrent, that one more
// request reserving `estimated_tokens` would exceed; empty when every limit has room. A
// request whose estimate alone exceeds tokens_per_minute or daily_tokens is refused even in
// an empty window: the gateway caps max_tokens, so the client can ask for fewer.
std::string_view ExceededLimit(const Limits& limits, const WindowUsage& usage,
                               int64_t estimated_tokens);

// The decision and its header fields. `usage`: after admission when `exceeded` is empty, as
// found when refused.
LimitDecision MakeDecision(const Limits& limits, const WindowUsage& usage,
                           std::string_view exceeded, int64_t now_ms);

}  // namespace bastion::auth
