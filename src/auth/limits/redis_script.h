#pragma once
// A Lua script run by its SHA-1 (EVALSHA), so that only the digest crosses the network; when
// Redis does not have it (first use, restart, SCRIPT FLUSH) it is sent whole with EVAL, which
// also caches it for the next EVALSHA.
//
// Immutable after construction; Run() is safe from several threads on distinct connections.

#include <span>
#include <string>
#include <string_view>

#include "auth/limits/redis_connection.h"
#include "common/status.h"

namespace bastion::auth {

class RedisScript {
 public:
  explicit RedisScript(std::string source);

  // Keys and arguments travel as separate binary-safe values, never inside the script text.
  // A Redis error (e.g. the script raised one) becomes Status::Internal.
  Result<RedisValue> Run(RedisConnection& connection, std::span<const std::string_view> keys,
                         std::span<const std::string_view> args) const;

  const std::string& sha1() const { return sha1_; }

 private:
  Result<RedisValue> Send(RedisConnection& connection, std::string_view command,
                          std::string_view script, std::span<const std::string_view> keys,
                          std::span<const std::string_view> args) const;

  std::string source_;
  std::string sha1_;  // lowercase hex
};

}  // namespace bastion::auth
