#include "model/hub/hub_url.h"

#include <algorithm>
#include <cctype>

#include "common/host_port.h"
#include "common/url.h"

namespace bastion::model {
namespace {

uint16_t DefaultPort(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Bracketed(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

bool IsUrlByte(char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f; }

}  // namespace

std::string HubUrl::Authority() const { return Bracketed(host) + ":" + std::to_string(port); }

std::string HubUrl::HostHeader() const {
  return port == DefaultPort(scheme) ? Bracketed(host) : Authority();
}

std::string HubUrl::Origin() const { return scheme + "://" + HostHeader(); }

bool HubUrl::SameOrigin(const HubUrl& other) const {
  return scheme == other.scheme && Lower(host) == Lower(other.host) && port == other.port;
}

Result<HubUrl> ParseHubUrl(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("bad URL '" + std::string(text.substr(0, 200)) +
                                   "': " + std::string(why));
  };
  if (text.size() > 8192) return bad("too long");
  if (!std::all_of(text.begin(), text.end(), IsUrlByte)) return bad("space or control character");
  if (text.find('#') != std::string_view::npos) return bad("fragment");
  size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return bad("no scheme");
  size_t target_start = text.find_first_of("/?", scheme_end + 3);
  std::string_view origin = text.substr(0, target_start);
  auto base = ParseUrl(origin);  // scheme, user-info refusal, host and port rules
  if (!base.ok()) return bad(base.status().message());
  HubUrl url{base->scheme, base->host, base->port, "/"};
  if (target_start != std::string_view::npos) {
    url.target = std::string(text.substr(target_start));
    if (url.target.front() == '?') url.target.insert(0, "/");
  }
  return url;
}

Result<HubUrl> ResolveHubRedirect(const HubUrl& base, std::string_view location) {
  if (location.empty()) return Status::Unavailable("redirect without a Location");
  if (location.front() == '/' && (location.size() < 2 || location[1] != '/')) {
    if (!std::all_of(location.begin(), location.end(), IsUrlByte) || location.size() > 8192) {
      return Status::Unavailable("redirect to a malformed path");
    }
    HubUrl url = base;
    url.target = std::string(location);
    return url;
  }
  auto url = ParseHubUrl(location);
  if (!url.ok()) return Status::Unavailable("redirect to a malformed URL");
  return url;
}

Status CheckHubTransport(const HubUrl& url) {
  if (url.scheme == "https" || IsLoopbackHost(url.host)) return Status::Ok();
  return Status::PermissionDenied("refusing plain http to " + url.Origin() +
                                  ": https is required except for loopback hosts");
}

std::string PercentEncodePath(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

void HostAllowlist::Add(std::string entry) { entries_.push_back(Lower(std::move(entry))); }

bool HostAllowlist::Allows(const HubUrl& url) const {
  std::string host = Lower(Bracketed(url.host));
  std::string authority = host + ":" + std::to_string(url.port);
  bool default_port = url.port == DefaultPort(url.scheme);
  return std::any_of(entries_.begin(), entries_.end(), [&](const std::string& entry) {
    return entry == authority || (default_port && entry == host);
  });
}

}  // namespace bastion::model
