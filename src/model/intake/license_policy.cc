#include "model/intake/license_policy.h"

#include <algorithm>

#include "model/intake/license_identify.h"

namespace bastion::model {

Status CheckLicensePolicy(const std::string& path, std::span<const std::string> allow) {
  if (allow.empty()) return Status::Ok();
  auto report = IdentifyLicense(path);
  if (!report.ok()) return report.status();
  if (report->release == nullptr) {
    return Status::FailedPrecondition(
        "its licence is not identified (`bastion license " + path +
        "` says why), and [licenses] allow admits only models whose licence is known");
  }
  const std::string_view license = report->release->license;
  for (size_t start = 0; start <= license.size();) {
    size_t end = license.find(" AND ", start);
    if (end == std::string_view::npos) end = license.size();
    const std::string_view part = license.substr(start, end - start);
    if (std::find(allow.begin(), allow.end(), part) == allow.end()) {
      return Status::FailedPrecondition(std::string(report->release->name) + " is released under " +
                                        std::string(license) + ", and " + std::string(part) +
                                        " is not in [licenses] allow");
    }
    start = end + 5;
  }
  return Status::Ok();
}

}  // namespace bastion::model
