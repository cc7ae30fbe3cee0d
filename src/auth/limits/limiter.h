#pragma once
// Rate limits and token budgets for one identity ("subject"), in fixed windows: requests and
// tokens per UTC minute, tokens per UTC day, and requests in flight. One algorithm, two
// stores: in memory for a single gateway, Redis so several gateways enforce one limit.
//
// A request is admitted only if every limit still has room; admitting counts one request,
// reserves its estimated tokens in the minute and day windows, and takes one concurrency
// slot. Settle() gives the slot back and corrects the reservation to the real usage, once
// per admitted request, also when the client left early.
//
// Thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/identity.h"

namespace bastion::auth {

struct LimitDecision {
  bool allowed = true;
  // When refused: "requests", "tokens", "daily_tokens", "concurrent", or "unavailable" (the
  // shared store cannot be reached: limits fail closed).
  std::string exceeded;
  int64_t retry_after_ms = 0;   // when refused: until the exceeded window has room again
  // For the x-ratelimit-* headers; -1 when that limit is not set.
  int64_t limit_requests = -1;
  int64_t remaining_requests = -1;
  int64_t reset_requests_ms = 0;
  int64_t limit_tokens = -1;
  int64_t remaining_tokens = -1;
  int64_t reset_tokens_ms = 0;
};

class Limiter {
 public:
  virtual ~Limiter() = default;
  // `now_ms`: Unix time in milliseconds (windows are aligned to UTC minutes and days).
  // `estimated_tokens`: prompt estimate + max completion tokens.
  virtual LimitDecision Admit(std::string_view subject, const Limits& limits,
                              int64_t estimated_tokens, int64_t now_ms) = 0;
  // `reserved`: what Admit was given; `used`: the real prompt + completion tokens.
  // `admitted_ms`: the now_ms given to Admit (the reservation's windows).
  virtual void Settle(std::string_view subject, const Limits& limits, int64_t reserved,
                      int64_t used, int64_t admitted_ms, int64_t now_ms) = 0;
};

}  // namespace bastion::auth
