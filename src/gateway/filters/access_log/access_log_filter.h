#pragma once
// One log line per exchange, when it completes: ids, route, model, status, upstream, timings
// and sizes. Never the prompt, the completion, headers or credentials.

#include "gateway/filter.h"

namespace bastion::gateway {

class AccessLogFilter : public Filter {
 public:
  std::string_view name() const override { return "access_log"; }
  void OnComplete(Exchange& ex) override;

  // The line OnComplete logs, for tests.
  static std::string Format(const Exchange& ex);
};

}  // namespace bastion::gateway
