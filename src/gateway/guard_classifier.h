#pragma once
// The guard's second stage: a served model asked about requests whose jailbreak, injection or
// harm evidence fell short of the threshold but not by much (guard.classifier_from). Only
// those requests pay for a model call; the answer is a finding like any other, so policy
// decides what it does (by default, block like the category it confirms).

#include <memory>
#include <optional>
#include <string>

#include "common/metrics.h"
#include "gateway/api_error.h"
#include "gateway/backend.h"
#include "guard/guardrails.h"
#include "http/awaitable.h"

namespace bastion::gateway {

class GuardClassifier {
 public:
  // REQUIRES: backend outlives this.
  GuardClassifier(std::string model, Backend& backend,
                  std::shared_ptr<const guard::Guardrails> guardrails, MetricsRegistry& metrics)
      : model_(std::move(model)),
        backend_(backend),
        guardrails_(std::move(guardrails)),
        metrics_(metrics) {}

  // Asks the classifier when the guard left `ex` in doubt; returns the error to answer with
  // when it says unsafe and policy blocks. A classifier that fails or answers neither safe nor
  // unsafe leaves the fast stage's decision standing (and is counted).
  http::Awaitable<std::optional<ApiError>> Check(Exchange& ex);

 private:
  void Count(std::string_view outcome);

  std::string model_;
  Backend& backend_;
  std::shared_ptr<const guard::Guardrails> guardrails_;
  MetricsRegistry& metrics_;
};

}  // namespace bastion::gateway
