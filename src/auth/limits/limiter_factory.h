#pragma once
// Chooses the limiter store from configuration.

#include <memory>
#include <string_view>

#include "auth/limits/limiter.h"
#include "common/status.h"

namespace bastion::auth {

// An empty `redis_url`: limits in this process (MemoryLimiter). Otherwise limits shared
// through that Redis (RedisLimiter), which must answer now: a gateway started against a
// Redis that is down fails at start with the reason, instead of refusing every request.
Result<std::unique_ptr<Limiter>> MakeLimiter(std::string_view redis_url);

}  // namespace bastion::auth
