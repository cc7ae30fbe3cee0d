#pragma once
// Where a pull's requests go: absolute http(s) URLs (with query strings, as CDN redirects
// carry signed ones), how a redirect's Location resolves, which hosts may be dialled at all,
// and the rule that plain http is for loopback hosts only.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bastion::model {

struct HubUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // without IPv6 brackets
  uint16_t port = 0;
  std::string target;  // path and query, starts with '/'

  // "host:port" always (brackets for IPv6): what allowlists and token scoping compare.
  std::string Authority() const;
  // The Host header: the port only when it is not the scheme's default.
  std::string HostHeader() const;
  // scheme://host[:port] without the target; the full URL is never logged (signed queries).
  std::string Origin() const;
  bool SameOrigin(const HubUrl& other) const;
};

// "http(s)://host[:port][/target]". No user-info or fragment. InvalidArgument otherwise.
Result<HubUrl> ParseHubUrl(std::string_view text);

// A redirect's Location: an absolute URL, or a path on `base`'s origin.
Result<HubUrl> ResolveHubRedirect(const HubUrl& base, std::string_view location);

// https always; http only to loopback hosts (test fixtures, a local mirror). PermissionDenied.
Status CheckHubTransport(const HubUrl& url);

// `path` with every byte outside RFC 3986's unreserved set and '/' percent-encoded.
std::string PercentEncodePath(std::string_view path);

// Hosts a pull may connect to. An entry "host" allows that host on its scheme's default port;
// "host:port" allows exactly that port.
class HostAllowlist {
 public:
  void Add(std::string entry);
  bool Allows(const HubUrl& url) const;

 private:
  std::vector<std::string> entries_;  // lower-cased
};

}  // namespace bastion::model
