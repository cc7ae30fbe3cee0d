#pragma once
// Where the shared rate-limit store is: redis://[[user]:password@]host[:port][/db] or
// unix:///path/to/redis.sock.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::auth {

struct RedisAddress {
  std::string host;  // empty for a Unix socket; IPv6 without brackets
  uint16_t port = 6379;
  std::string unix_path;  // set for unix:// URLs
  std::string username;   // Redis 6 ACL user; empty: the default user
  std::string password;   // empty: no AUTH
  int db = 0;

  // For logs and error messages: never includes the password.
  std::string ToString() const;
};

// Percent-escapes in the user-info are decoded, so passwords may contain '@', ':' or '/'.
Result<RedisAddress> ParseRedisUrl(std::string_view url);

}  // namespace bastion::auth
