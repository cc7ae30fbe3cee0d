#include "redteam/verdict.h"

#include <array>
#include <utility>

namespace bastion::redteam {
namespace {

constexpr std::array<std::pair<Outcome, std::string_view>, 6> kNames = {{
    {Outcome::kSuccess, "success"},
    {Outcome::kRefused, "refused"},
    {Outcome::kEvasive, "evasive"},
    {Outcome::kDiscussed, "discussed"},
    {Outcome::kBlocked, "blocked"},
    {Outcome::kError, "error"},
}};

}  // namespace

std::string_view OutcomeName(Outcome outcome) {
  for (const auto& [value, name] : kNames) {
    if (value == outcome) return name;
  }
  return "error";
}

bool ParseOutcome(std::string_view name, Outcome& out) {
  for (const auto& [value, text] : kNames) {
    if (text == name) {
      out = value;
      return true;
    }
  }
  return false;
}

}  // namespace bastion::redteam
