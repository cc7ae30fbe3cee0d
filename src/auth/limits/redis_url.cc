#include "auth/limits/redis_url.h"

#include <charconv>

#include "common/host_port.h"

namespace bastion::auth {
namespace {

constexpr std::string_view kRedisScheme = "redis://";
constexpr std::string_view kUnixScheme = "unix://";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int hi = i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
    const int lo = hi >= 0 ? HexDigit(text[i + 2]) : -1;
    if (lo < 0) return Status::InvalidArgument("bad percent-escape in the user-info");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Status ParseUserInfo(std::string_view info, RedisAddress& address) {
  const size_t colon = info.find(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("give the password as redis://:PASSWORD@host");
  }
  auto user = PercentDecode(info.substr(0, colon));
  auto password = PercentDecode(info.substr(colon + 1));
  if (!user.ok()) return user.status();
  if (!password.ok()) return password.status();
  address.username = std::move(*user);
  address.password = std::move(*password);
  return Status::Ok();
}

Status ParseDb(std::string_view path, RedisAddress& address) {
  if (path.empty() || path == "/") return Status::Ok();
  const std::string_view digits = path.substr(1);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), address.db);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || address.db < 0) {
    return Status::InvalidArgument("the path must be a database number, e.g. /0");
  }
  return Status::Ok();
}

Status ParseHost(std::string_view authority, RedisAddress& address) {
  const bool has_port = !authority.empty() && authority.back() != ']' &&
                        authority.find(':') != std::string_view::npos;
  const std::string with_port = std::string(authority) + (has_port ? "" : ":6379");
  auto host_port = ParseHostPort(with_port);
  if (!host_port.ok() || host_port->port == 0) {
    return Status::InvalidArgument("host and port do not parse (e.g. 127.0.0.1:6379)");
  }
  address.host = host_port->host;
  address.port = host_port->port;
  return Status::Ok();
}

Status ParseTcpUrl(std::string_view rest, RedisAddress& address) {
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    if (Status s = ParseUserInfo(authority.substr(0, at), address); !s.ok()) return s;
    authority = authority.substr(at + 1);
  }
  if (Status s = ParseHost(authority, address); !s.ok()) return s;
  return ParseDb(path, address);
}

}  // namespace

std::string RedisAddress::ToString() const {
  if (!unix_path.empty()) return "unix://" + unix_path;
  return "redis://" + HostPort{host, port}.ToString() + "/" + std::to_string(db);
}

Result<RedisAddress> ParseRedisUrl(std::string_view url) {
  RedisAddress address;
  Status status;
  if (url.find_first_of("?#") != std::string_view::npos) {
    status = Status::InvalidArgument("query strings and fragments are not supported");
  } else if (url.starts_with(kUnixScheme)) {
    address.unix_path = std::string(url.substr(kUnixScheme.size()));
    if (!address.unix_path.starts_with('/')) {
      status = Status::InvalidArgument("a socket path must be absolute: unix:///path/to/sock");
    }
  } else if (url.starts_with(kRedisScheme)) {
    status = ParseTcpUrl(url.substr(kRedisScheme.size()), address);
  } else {
    status = Status::InvalidArgument("use redis://host:port[/db] or unix:///path/to/sock");
  }
  if (!status.ok()) {
    // The message names the scheme at most: the URL may carry a password.
    return Status::InvalidArgument("bad Redis URL: " + status.message());
  }
  return address;
}

}  // namespace bastion::auth
