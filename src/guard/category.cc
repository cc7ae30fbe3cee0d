#include "guard/category.h"

namespace bastion::guard {

std::string_view CategoryName(Category c) {
  switch (c) {
    case Category::kPii:
      return "pii";
    case Category::kSecret:
      return "secret";
    case Category::kJailbreak:
      return "jailbreak";
    case Category::kInjection:
      return "injection";
    case Category::kHarm:
      return "harm";
  }
  return "unknown";
}

std::optional<Category> ParseCategory(std::string_view name) {
  for (Category c : kAllCategories) {
    if (CategoryName(c) == name) return c;
  }
  return std::nullopt;
}

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kAllow:
      return "allow";
    case Action::kFlag:
      return "flag";
    case Action::kRedact:
      return "redact";
    case Action::kBlock:
      return "block";
  }
  return "unknown";
}

std::optional<Action> ParseAction(std::string_view name) {
  for (Action a : {Action::kAllow, Action::kFlag, Action::kRedact, Action::kBlock}) {
    if (ActionName(a) == name) return a;
  }
  return std::nullopt;
}

}  // namespace bastion::guard
