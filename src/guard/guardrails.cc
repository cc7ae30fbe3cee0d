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
  Detection d = detector_->Detect(text);
  v.findings = std::move(d.findings);
  v.action = policy_.Decide(v.findings, scope);
  for (Category c : {Category::kJailbreak, Category::kInjection, Category::kHarm}) {
    double score = d.score(c);
    if (score < config_.intent_threshold && score > v.doubt) {
      v.doubt = score;
      v.doubt_category = c;
    }
  }
  return v;
}

}  // namespace bastion::guard
