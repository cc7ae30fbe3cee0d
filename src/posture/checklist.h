#pragma once
// The deployment checklist `bastion doctor` prints: one item per thing a security reviewer
// asks about, each passed, warned about or failed, with what was found and, short of a pass,
// how to fix it. Item ids are stable (scripts match on them); a per-model item carries the
// model's name after a colon ("model.verified:deepseek-r1").

#include <string>
#include <string_view>
#include <vector>

namespace bastion::posture {

enum class CheckStatus { kPass, kWarn, kFail };

// "pass", "warn", "fail".
std::string_view CheckStatusName(CheckStatus status);

struct CheckItem {
  std::string id;
  CheckStatus status = CheckStatus::kPass;
  std::string detail;  // what was found; never a secret (URLs lose their user-info)
  std::string fix;     // what to change; empty on a pass
};

// Collects items in the order they are checked. Not thread-safe.
class Checklist {
 public:
  void Pass(std::string id, std::string detail);
  void Warn(std::string id, std::string detail, std::string fix);
  void Fail(std::string id, std::string detail, std::string fix);
  void Add(CheckItem item);

  const std::vector<CheckItem>& items() const { return items_; }
  // The first item with this id, or nullptr.
  const CheckItem* Find(std::string_view id) const;
  int Count(CheckStatus status) const;
  bool AnyFailed() const { return Count(CheckStatus::kFail) > 0; }

 private:
  std::vector<CheckItem> items_;
};

}  // namespace bastion::posture
