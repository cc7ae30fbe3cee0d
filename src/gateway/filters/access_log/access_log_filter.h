#pragma once
// One log line per exchange, when it completes: ids, route, model, status, upstream, timings
// and sizes. Never the prompt, the completion, headers or credentials. With JSON logs
// (log_format = "json") the line is an object whose "msg" is "request" and whose members
// are the same facts (docs/monitoring.md lists them).

#include "gateway/filter.h"

namespace bastion::gateway {

class AccessLogFilter : public Filter {
 public:
  std::string_view name() const override { return "access_log"; }
  void OnComplete(Exchange& ex) override;

  // The line OnComplete logs with text logs, for tests.
  static std::string Format(const Exchange& ex);
  // The members (no braces) OnComplete logs with JSON logs, for tests.
  static std::string FormatJson(const Exchange& ex);
};

}  // namespace bastion::gateway
