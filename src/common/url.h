#pragma once
// Upstream base URLs: http://host:port/path and https://host:port/path.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without IPv6 brackets
  uint16_t port = 0;
  std::string path;  // starts with '/', no trailing '/' unless it is just "/"

  // "host:port" for the Host header (brackets for IPv6).
  std::string Authority() const;
  std::string ToString() const;
};

// Rejects user-info, query strings and fragments: a base URL has none.
Result<Url> ParseUrl(std::string_view text);

}  // namespace bastion
