#pragma once
// One synchronous connection to Redis (hiredis), with every command bounded by a timeout.
// Replies are copied into RedisValue so that hiredis stays inside redis_connection.cc.
//
// Not thread-safe: one thread uses a connection at a time (RedisPool hands them out).

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/limits/redis_url.h"
#include "common/status.h"

namespace bastion::auth {

struct RedisValue {
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string text;  // kString, kStatus, kError
  std::vector<RedisValue> elements;

  bool is_error() const { return type == Type::kError; }
};

class RedisConnection {
 public:
  // Connects, then AUTH and SELECT as the address asks. `timeout` bounds the connect and,
  // later, each command's send and receive.
  static Result<std::unique_ptr<RedisConnection>> Open(const RedisAddress& address,
                                                       std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command; arguments are binary-safe. A reply that is a Redis error comes back
  // as a value of type kError; Unavailable means the connection failed (timeout, reset) and
  // is now broken().
  Result<RedisValue> Command(std::span<const std::string_view> args);
  bool broken() const;

 private:
  struct Context;
  explicit RedisConnection(std::unique_ptr<Context> context);
  Status Authenticate(const RedisAddress& address);

  std::unique_ptr<Context> context_;
};

}  // namespace bastion::auth
