#pragma once
// What a scan says about a file: findings, each with a severity, a stable rule id
// ("pickle.dangerous_import", "zip.bad_crc", ...) and a detail for people. A file with a
// finding of high or critical severity is unsafe and is never loaded.

#include <string>
#include <string_view>
#include <vector>

namespace bastion::model {

enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };

// "info", "low", "medium", "high", "critical".
std::string_view SeverityName(Severity severity);

struct Finding {
  Severity severity;
  std::string rule;    // dotted, lower case, stable: scripts match on it
  std::string detail;  // one line, names what was found and where (byte offset, entry name)
};

// Whether any finding makes the file unsafe (high or critical).
bool AnyUnsafe(const std::vector<Finding>& findings);

}  // namespace bastion::model
