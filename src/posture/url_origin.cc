#include "posture/url_origin.h"

#include "common/host_port.h"

namespace bastion::posture {

bool UrlOrigin::loopback() const { return local_socket() || IsLoopbackHost(host); }

std::string UrlOrigin::ToString() const {
  if (local_socket()) return (scheme.empty() ? "" : scheme + " ") + "(local socket)";
  std::string out = scheme.empty() ? "" : scheme + "://";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!port.empty()) out += ":" + port;
  return out;
}

UrlOrigin OriginOf(std::string_view url) {
  UrlOrigin o;
  std::string_view rest = url;
  if (size_t sep = url.find("://"); sep != std::string_view::npos) {
    o.scheme = std::string(url.substr(0, sep));
    rest = url.substr(sep + 3);
  }
  if (o.scheme == "unix") return o;
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    o.host = std::string(
        authority.substr(1, close == std::string_view::npos ? authority.npos : close - 1));
    if (close != std::string_view::npos && authority.substr(close + 1).starts_with(":")) {
      o.port = std::string(authority.substr(close + 2));
    }
    return o;
  }
  const size_t colon = authority.find(':');
  const bool one_colon = colon != std::string_view::npos && authority.rfind(':') == colon;
  o.host = std::string(one_colon ? authority.substr(0, colon) : authority);
  if (one_colon) o.port = std::string(authority.substr(colon + 1));
  return o;
}

}  // namespace bastion::posture
