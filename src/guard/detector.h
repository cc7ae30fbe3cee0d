#pragma once
// Finds what a text contains: PII and secrets (confirmed matches with exact spans) and
// jailbreak, prompt-injection and harmful-request intent (evidence scored per category).
// Policy decides what to do about the findings (guard/policy.h); the detector only finds.
//
// Immutable once created and shared by all threads; Detect is thread-safe and allocates
// nothing in steady state beyond its result.

#include <array>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "guard/finding.h"
#include "guard/pattern_set.h"

namespace bastion::guard {

struct DetectorOptions {
  // An intent category (jailbreak, injection, harm) is reported when the noisy-OR of its
  // matched rules' scores, 1 - prod(1 - score), reaches this.
  double intent_threshold = 0.5;
};

struct Detection {
  std::vector<Finding> findings;  // by start offset; action left at kAllow for policy to set
  // Per category (index = Category), the combined evidence score, 0 when nothing matched.
  std::array<double, std::size(kAllCategories)> scores{};

  double score(Category c) const { return scores[static_cast<size_t>(c)]; }
};

class Detector {
 public:
  // Every rule set: PiiRules, SecretRules, IntentRules.
  static Result<std::shared_ptr<const Detector>> Create(DetectorOptions options = {});
  // Only these rules. REQUIRES: the rules outlive the detector.
  static Result<std::shared_ptr<const Detector>> Create(std::span<const Rule> rules,
                                                        DetectorOptions options = {});

  Detection Detect(std::string_view text) const;

  const DetectorOptions& options() const { return options_; }
  // The compiled sets, for streaming scans (guard/stream_guard.h) and benchmarks;
  // null when no rule scans that form of the text.
  // The raw-text rules scanned over the whole text, and those scanned only around digits.
  const PatternSet* raw_set() const { return raw_.get(); }
  const PatternSet* raw_digits_set() const { return raw_digits_.get(); }
  const PatternSet* normalized_set() const { return normalized_.get(); }
  // The raw-text rules (PII, secrets) in streaming mode, for generated output.
  const PatternSet* raw_stream_set() const { return raw_stream_.get(); }

 private:
  Detector(std::shared_ptr<const PatternSet> raw, std::shared_ptr<const PatternSet> raw_digits,
           std::shared_ptr<const PatternSet> raw_stream,
           std::shared_ptr<const PatternSet> normalized, DetectorOptions options)
      : raw_(std::move(raw)),
        raw_digits_(std::move(raw_digits)),
        raw_stream_(std::move(raw_stream)),
        normalized_(std::move(normalized)),
        options_(options) {}

  std::shared_ptr<const PatternSet> raw_;
  std::shared_ptr<const PatternSet> raw_digits_;
  std::shared_ptr<const PatternSet> raw_stream_;
  std::shared_ptr<const PatternSet> normalized_;
  DetectorOptions options_;
};

}  // namespace bastion::guard
