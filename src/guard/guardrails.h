#pragma once
// The guard as the rest of bastion uses it: the detector and the policy built from [guard],
// answering "what is in this text and what do we do about it". Immutable and shared by all
// threads; Check is thread-safe.

#include <memory>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "guard/detector.h"
#include "guard/policy.h"

namespace bastion::guard {

struct Verdict {
  Action action = Action::kAllow;  // the most severe action of the findings
  std::vector<Finding> findings;   // each with the action the policy chose
  // The intent category with the most evidence short of being reported, and that evidence
  // (0 when none): what a second-stage classifier is asked about.
  Category doubt_category = Category::kJailbreak;
  double doubt = 0;
};

class Guardrails {
 public:
  // Fails on unknown categories, rules or actions in the config.
  static Result<std::shared_ptr<const Guardrails>> Create(const GuardConfig& config);
  // With a detector of the caller's choosing (tests, benchmarks).
  static Result<std::shared_ptr<const Guardrails>> Create(const GuardConfig& config,
                                                          std::shared_ptr<const Detector> detector);

  Verdict Check(std::string_view text, const PolicyScope& scope) const;

  const GuardConfig& config() const { return config_; }
  const Detector& detector() const { return *detector_; }
  const Policy& policy() const { return policy_; }

 private:
  Guardrails(GuardConfig config, std::shared_ptr<const Detector> detector, Policy policy)
      : config_(std::move(config)), detector_(std::move(detector)), policy_(std::move(policy)) {}

  GuardConfig config_;
  std::shared_ptr<const Detector> detector_;
  Policy policy_;
};

}  // namespace bastion::guard
