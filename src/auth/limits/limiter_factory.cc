#include "auth/limits/limiter_factory.h"

#include "auth/limits/memory_limiter.h"
#include "auth/limits/redis_limiter.h"

namespace bastion::auth {

Result<std::unique_ptr<Limiter>> MakeLimiter(std::string_view redis_url) {
  if (redis_url.empty()) return std::unique_ptr<Limiter>(std::make_unique<MemoryLimiter>());
  auto redis = RedisLimiter::Connect(redis_url);
  if (!redis.ok()) return redis.status();
  return std::unique_ptr<Limiter>(std::move(*redis));
}

}  // namespace bastion::auth
