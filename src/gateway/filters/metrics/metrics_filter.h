#pragma once
// Prometheus metrics for every exchange: requests by route, model and status; latency and
// time to first byte histograms.

#include "common/metrics.h"
#include "gateway/filter.h"

namespace bastion::gateway {

class MetricsFilter : public Filter {
 public:
  explicit MetricsFilter(MetricsRegistry& registry);
  std::string_view name() const override { return "metrics"; }
  void OnComplete(Exchange& ex) override;

 private:
  MetricsRegistry& registry_;
};

}  // namespace bastion::gateway
