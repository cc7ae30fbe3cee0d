#pragma once
// "HOST:PORT" listen addresses and their loopback test.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion {

struct HostPort {
  std::string host;  // an IP literal or "localhost"; IPv6 without brackets
  uint16_t port = 0;

  std::string ToString() const;
};

// Accepts "127.0.0.1:8080", "[::1]:8080", "localhost:0", "0.0.0.0:443".
Result<HostPort> ParseHostPort(std::string_view text);

// True for 127.0.0.0/8, ::1 and "localhost"; false for anything else, including hostnames
// that might resolve to a public address.
bool IsLoopbackHost(std::string_view host);

}  // namespace bastion
