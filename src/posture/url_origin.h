#pragma once
// Where a configured URL points, in a form safe to print: scheme, host and port only. User-info
// (passwords in postgresql:// and redis:// URLs), paths, database names and query strings are
// left out, so doctor can name every host bastion reaches without leaking a credential.

#include <string>
#include <string_view>

namespace bastion::posture {

struct UrlOrigin {
  std::string scheme;  // "https", "postgresql", "redis", "unix"; empty when there is none
  std::string host;    // without IPv6 brackets; empty for a local (Unix) socket
  std::string port;    // as written; empty when the URL gives none

  bool local_socket() const { return host.empty(); }
  bool loopback() const;  // a local socket, 127.0.0.0/8, ::1 or "localhost"
  // "https://10.0.0.5:8000", "postgresql://db.internal", "unix (local socket)".
  std::string ToString() const;
};

UrlOrigin OriginOf(std::string_view url);

}  // namespace bastion::posture
