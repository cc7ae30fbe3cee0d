#include "posture/checklist.h"

#include <algorithm>

namespace bastion::posture {

std::string_view CheckStatusName(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass:
      return "pass";
    case CheckStatus::kWarn:
      return "warn";
    case CheckStatus::kFail:
      return "fail";
  }
  return "fail";
}

void Checklist::Pass(std::string id, std::string detail) {
  Add({std::move(id), CheckStatus::kPass, std::move(detail), ""});
}

void Checklist::Warn(std::string id, std::string detail, std::string fix) {
  Add({std::move(id), CheckStatus::kWarn, std::move(detail), std::move(fix)});
}

void Checklist::Fail(std::string id, std::string detail, std::string fix) {
  Add({std::move(id), CheckStatus::kFail, std::move(detail), std::move(fix)});
}

void Checklist::Add(CheckItem item) { items_.push_back(std::move(item)); }

const CheckItem* Checklist::Find(std::string_view id) const {
  for (const CheckItem& item : items_) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

int Checklist::Count(CheckStatus status) const {
  return static_cast<int>(std::count_if(items_.begin(), items_.end(),
                                        [&](const CheckItem& i) { return i.status == status; }));
}

}  // namespace bastion::posture
