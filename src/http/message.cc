#include "http/message.h"

namespace bastion::http {

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

std::string_view Request::Path() const {
  std::string_view t = target;
  // Absolute form (RFC 9112 3.2.2), as proxies send it: keep only the path.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (t.substr(0, scheme.size()) == scheme) {
      size_t slash = t.find('/', scheme.size());
      t = slash == std::string_view::npos ? "/" : t.substr(slash);
      break;
    }
  }
  return t.substr(0, t.find_first_of("?#"));
}

}  // namespace bastion::http
