#include "guard/guardrails.h"

namespace bastion::guard {

Result<std::shared_ptr<const Guardrails>> Guardrails::Create(const GuardConfig& config) {
  auto detector = Detector::Create(DetectorOptions{config.intent_threshold});
  if (!detector.ok()) return detector.status();
  return Create(config, std::move(*detector));
}

Result<std::shared_ptr<const Guardrails>> Guardrails::Create(
    const GuardConfig& config, std::shared_ptr<const Detector> detector) {
  auto policy = Policy::FromConfig(config);
  if (!policy.ok()) return policy.status();
  return std::shared_ptr<const Guardrails>(
      new Guardrails(config, std::move(detector), std::move(*policy)));
}

Verdict Guardrails::Check(std::string_view text, const PolicyScope& scope) const {
  Verdict v;
  v.findings = detector_->Detect(text).findings;
  v.action = policy_.Decide(v.findings, scope);
  return v;
}

}  // namespace bastion::guard
