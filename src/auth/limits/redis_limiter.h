#pragma once
// Limits kept in Redis, so that several gateways enforce one limit per subject. Each Admit
// and each Settle is one Lua script, atomic in Redis: check every limit, then count all or
// nothing. Windows follow the gateway's clock (the now_ms given), so gateways' clocks should
// agree to well under a minute.
//
// Keys, per subject (the subject percent-escaped inside a {hash tag}, so that in a Redis
// Cluster one subject's keys share a slot):
//   bastion:rl:{<subject>}:m:<minute>  hash {req, tok}, expires after 120 s
//   bastion:rl:{<subject>}:d:<day>     tokens that UTC day, expires after 2 days
//   bastion:rl:{<subject>}:c           requests in flight, expires 10 min after the last Admit
// The in-flight counter's expiry bounds the damage of a gateway that dies with requests in
// flight: their slots come back at most 10 minutes after the subject's last Admit.
//
// Fails closed: when Redis cannot be reached or errs, Admit refuses with "unavailable"
// (warning at most every 10 s, naming neither subjects nor secrets); a failed Settle is
// logged and dropped.
//
// Thread-safe.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "auth/limits/limiter.h"
#include "auth/limits/redis_pool.h"
#include "auth/limits/redis_script.h"
#include "common/status.h"

namespace bastion::auth {

class RedisLimiter final : public Limiter {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{50};
  static constexpr int64_t kUnavailableRetryMs = 1'000;

  // Parses `url` (see redis_url.h) and checks that Redis answers PING, so that a gateway can
  // refuse to start with a clear message rather than refuse every request.
  static Result<std::unique_ptr<RedisLimiter>> Connect(
      std::string_view url, std::chrono::milliseconds timeout = kDefaultTimeout);

  // Connects lazily, on the first Admit.
  RedisLimiter(RedisAddress address, std::chrono::milliseconds timeout);

  LimitDecision Admit(std::string_view subject, const Limits& limits, int64_t estimated_tokens,
                      int64_t now_ms) override;
  void Settle(std::string_view subject, const Limits& limits, int64_t reserved, int64_t used,
              int64_t admitted_ms, int64_t now_ms) override;

 private:
  Status Ping();
  void WarnThrottled(std::string_view what, const Status& status);

  RedisPool pool_;
  const RedisScript admit_script_;
  const RedisScript settle_script_;
  std::atomic<int64_t> last_warning_ns_{0};  // steady clock; 0: never warned
};

}  // namespace bastion::auth
