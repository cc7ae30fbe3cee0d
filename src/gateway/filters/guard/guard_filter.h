#pragma once
// The guard on the request path: scans every text of an inference request (each message's
// content, or the prompt) before it reaches a backend, and every generated text on the way
// back (content and reasoning_content, whole or streamed).
//
// Request: a block answers 400 content_filter (naming the category and rule, never the
// text); redaction rewrites the body so the backend sees placeholders ("[EMAIL_1]"), which
// are restored in the answer when guard.restore_redacted is set.
// Response: findings are decided per policy; a blocked answer ends with finish_reason
// "content_filter" and nothing after the finding is sent.

#include <memory>

#include "common/metrics.h"
#include "gateway/filter.h"
#include "guard/guardrails.h"

namespace bastion::gateway {

class GuardFilter : public Filter {
 public:
  // Creates its metric series at zero, so an alert on their increase sees the first one.
  GuardFilter(std::shared_ptr<const guard::Guardrails> guardrails, MetricsRegistry& metrics);

  std::string_view name() const override { return "guard"; }
  FilterResult OnRequest(Exchange& ex) override;
  void OnResponseData(Exchange& ex, std::string& data) override;
  // Releases what the stream guards still hold (the stream ended without a finish_reason,
  // or with an error).
  void OnStreamEnd(Exchange& ex, std::vector<std::string>& events) override;
  void OnComplete(Exchange& ex) override;

 private:
  // Feeds bastion_guard_findings_total and bastion_jailbreak_attempts_total with one side
  // ("request" or "response") of a completed exchange.
  void Count(const std::vector<guard::Finding>& findings, std::string_view side);
  Counter& FindingsCounter(guard::Category category, guard::Action action, std::string_view side);
  Counter& AttemptsCounter(std::string_view side);

  std::shared_ptr<const guard::Guardrails> guardrails_;
  MetricsRegistry& metrics_;
};

}  // namespace bastion::gateway
