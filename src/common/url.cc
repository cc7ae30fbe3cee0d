#include "common/url.h"

#include "common/host_port.h"

namespace bastion {

std::string Url::Authority() const {
  HostPort hp{host, port};
  return hp.ToString();
}

std::string Url::ToString() const { return scheme + "://" + Authority() + path; }

namespace {

// The URL with any user-info replaced, so error messages never repeat a credential.
std::string Redacted(std::string_view text) {
  size_t start = text.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  size_t end = text.find_first_of("/?#", start);
  size_t at = text.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(text);
  return std::string(text.substr(0, start)) + "***" + std::string(text.substr(at));
}

}  // namespace

Result<Url> ParseUrl(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("bad URL '" + Redacted(text) + "': " + why);
  };
  Url url;
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) return bad("missing scheme (use http:// or https://)");
  url.scheme = std::string(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") return bad("scheme must be http or https");
  std::string_view rest = text.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return bad("query strings and fragments are not allowed");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos) {
    return bad("credentials in URLs are not allowed; use api_key_env");
  }
  bool has_port = !authority.empty() && authority.back() != ']' &&
                  authority.find(':') != std::string_view::npos;
  std::string with_port(authority);
  if (!has_port) with_port += url.scheme == "https" ? ":443" : ":80";
  auto hp = ParseHostPort(with_port);
  if (!hp.ok()) return bad("host and port do not parse");
  if (hp->port == 0) return bad("port 0 is not a destination");
  url.host = hp->host;
  url.port = hp->port;
  while (url.path.size() > 1 && url.path.back() == '/') url.path.pop_back();
  if (url.path.empty()) url.path = "/";
  return url;
}

}  // namespace bastion
