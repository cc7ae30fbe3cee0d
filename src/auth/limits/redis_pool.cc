#include "auth/limits/redis_pool.h"

#include <utility>

namespace bastion::auth {
namespace {

// More idle connections than this are closed: the spare ones from a past burst.
constexpr size_t kMaxIdle = 32;

}  // namespace

RedisPool::RedisPool(RedisAddress address, std::chrono::milliseconds timeout)
    : address_(std::move(address)), timeout_(timeout) {}

Result<RedisValue> RedisPool::Run(const std::function<Result<RedisValue>(RedisConnection&)>& work) {
  for (int attempt = 0;; ++attempt) {
    auto borrowed = Borrow();
    if (!borrowed.ok()) return borrowed.status();
    Result<RedisValue> result = work(*borrowed->connection);
    if (!borrowed->connection->broken()) {
      GiveBack(std::move(borrowed->connection));
      return result;
    }
    if (!borrowed->reused || attempt > 0) return result;
    DropIdle();
  }
}

Result<RedisPool::Borrowed> RedisPool::Borrow() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      Borrowed borrowed{std::move(idle_.back()), true};
      idle_.pop_back();
      return borrowed;
    }
    if (std::chrono::steady_clock::now() < no_connect_before_) {
      return Status::Unavailable("Redis was unreachable moments ago");
    }
  }
  auto opened = RedisConnection::Open(address_, timeout_);
  if (!opened.ok()) {
    std::lock_guard lock(mu_);
    no_connect_before_ = std::chrono::steady_clock::now() + kReconnectBackoff;
    return opened.status();
  }
  return Borrowed{std::move(*opened), false};
}

void RedisPool::GiveBack(std::unique_ptr<RedisConnection> connection) {
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(connection));
}

void RedisPool::DropIdle() {
  std::vector<std::unique_ptr<RedisConnection>> dropped;
  std::lock_guard lock(mu_);
  dropped.swap(idle_);
}

}  // namespace bastion::auth
