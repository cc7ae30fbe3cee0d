#pragma once
// What the guard does about each finding: allow, flag, redact or block, per category or per
// rule, with overrides per role, model and API key. Immutable and shared by all threads.
//
// Defaults (the contract): secrets block, jailbreak and injection block, PII redact,
// harm flag. The most specific layer that names a finding's rule or category decides: key,
// then model, then role, then [guard.actions], then the defaults; within a layer a rule beats
// its category.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "guard/finding.h"

namespace bastion::guard {

struct PolicyScope {
  std::string_view role;
  std::string_view key_id;
  std::string_view model;
};

class Policy {
 public:
  static Policy Default();
  // Checks every name against the categories, the rule sets and the four actions.
  static Result<Policy> FromConfig(const GuardConfig& config);

  Action ActionFor(const Finding& finding, const PolicyScope& scope) const;
  // Sets each finding's action; returns the most severe (the verdict), kAllow when none.
  Action Decide(std::vector<Finding>& findings, const PolicyScope& scope) const;

 private:
  struct Layer {
    std::array<std::optional<Action>, std::size(kAllCategories)> categories;
    std::map<std::string, Action, std::less<>> rules;
    std::optional<Action> Find(const Finding& f) const;
  };
  static Result<Layer> ReadLayer(const GuardActions& actions, std::string_view where);
  const Layer* Lookup(const std::map<std::string, Layer, std::less<>>& layers,
                      std::string_view name) const;

  Layer base_;
  std::map<std::string, Layer, std::less<>> roles_, models_, keys_;
};

}  // namespace bastion::guard
