#pragma once
// Connections to one Redis, shared by the gateway's worker threads: each command borrows an
// idle connection (or opens one) and returns it afterwards, so the pool grows to the number
// of threads that talk to Redis at once.
//
// After a failed connect, further connects are refused for kReconnectBackoff without trying,
// so that while Redis is down requests fail at once instead of each waiting for a timeout.
//
// Thread-safe.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "auth/limits/redis_connection.h"
#include "auth/limits/redis_url.h"
#include "common/status.h"

namespace bastion::auth {

class RedisPool {
 public:
  static constexpr std::chrono::milliseconds kReconnectBackoff{250};

  RedisPool(RedisAddress address, std::chrono::milliseconds timeout);

  // Runs `work` on a connection. When a connection that sat idle turns out dead (Redis
  // restarted), every idle connection is dropped and `work` runs once more on a new one. The
  // cost: if the first attempt had reached Redis before the connection failed, its effect
  // counts twice; losing one request to every restart would be worse.
  Result<RedisValue> Run(const std::function<Result<RedisValue>(RedisConnection&)>& work);

  const RedisAddress& address() const { return address_; }

 private:
  struct Borrowed {
    std::unique_ptr<RedisConnection> connection;
    bool reused = false;
  };
  Result<Borrowed> Borrow();
  void GiveBack(std::unique_ptr<RedisConnection> connection);
  void DropIdle();

  const RedisAddress address_;
  const std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;       // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point no_connect_before_;  // GUARDED_BY(mu_)
};

}  // namespace bastion::auth
