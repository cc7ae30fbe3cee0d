// dependencies.versions: bastion's version and every library's, with a warning only for a
// library concretely known to be too old.
#include <cstdlib>
#include <string_view>

#include "common/version.h"
#include "posture/config_checks.h"

namespace bastion::posture {
namespace {

struct MinimumVersion {
  std::string_view library;
  std::string_view version;
  std::string_view why;
};

// Only floors with a concrete reason. Distributions backport fixes without changing the
// upstream version, so meeting a floor is necessary, not sufficient: match `bastion version
// --sbom` against the distribution's advisories.
constexpr MinimumVersion kMinimums[] = {
    {"openssl", "3.0.0", "OpenSSL 1.1.1 reached end of life in September 2023"},
    {"sqlite", "3.39.2",
     "CVE-2022-35737 (array-bounds overflow on huge string arguments) is fixed in 3.39.2"},
};

// Compares dotted versions numerically, component by component ("3.0.15" > "3.0.9").
int CompareVersions(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    const long x = std::strtol(std::string(a.substr(0, a.find('.'))).c_str(), nullptr, 10);
    const long y = std::strtol(std::string(b.substr(0, b.find('.'))).c_str(), nullptr, 10);
    if (x != y) return x < y ? -1 : 1;
    a = a.find('.') == std::string_view::npos ? "" : a.substr(a.find('.') + 1);
    b = b.find('.') == std::string_view::npos ? "" : b.substr(b.find('.') + 1);
  }
  return 0;
}

}  // namespace

void CheckDependencies(const std::vector<Component>& components, Checklist& out) {
  std::string list = "bastion " + std::string(kVersion);
  std::string old;
  for (const Component& c : components) {
    list += ", " + c.name + " " + c.version;
    for (const MinimumVersion& m : kMinimums) {
      if (c.name != m.library || CompareVersions(c.version, m.version) >= 0) continue;
      old += (old.empty() ? "" : "; ") + c.name + " " + c.version + " is below " +
             std::string(m.version) + ": " + std::string(m.why);
    }
  }
  if (!old.empty()) {
    out.Warn("dependencies.versions", old + " (" + list + ")",
             "upgrade the system's packages; `bastion version --sbom` lists every library");
    return;
  }
  out.Pass("dependencies.versions",
           list + "; match them against advisories with `bastion version --sbom`");
}

}  // namespace bastion::posture
