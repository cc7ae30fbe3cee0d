#pragma once
// What a guard finding is about, and what policy does about it.

#include <optional>
#include <string_view>

namespace bastion::guard {

enum class Category { kPii, kSecret, kJailbreak, kInjection, kHarm };
inline constexpr Category kAllCategories[] = {
    Category::kPii, Category::kSecret, Category::kJailbreak, Category::kInjection, Category::kHarm};

// "pii", "secret", "jailbreak", "injection", "harm".
std::string_view CategoryName(Category c);
std::optional<Category> ParseCategory(std::string_view name);

// Ordered by severity: a verdict is the most severe action of its findings.
enum class Action { kAllow, kFlag, kRedact, kBlock };

// "allow", "flag", "redact", "block".
std::string_view ActionName(Action a);
std::optional<Action> ParseAction(std::string_view name);

}  // namespace bastion::guard
