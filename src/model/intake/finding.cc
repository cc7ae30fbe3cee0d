#include "model/intake/finding.h"

namespace bastion::model {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "unknown";
}

bool AnyUnsafe(const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    if (f.severity >= Severity::kHigh) return true;
  }
  return false;
}

}  // namespace bastion::model
