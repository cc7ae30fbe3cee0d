#pragma once
// Prometheus metrics for every exchange: requests by route, model and status; latency and
// time to first byte histograms; prompt and completion tokens by model, as the backend
// reported them (embedded engine or upstream "usage").

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/metrics.h"
#include "gateway/filter.h"

namespace bastion::gateway {

class MetricsFilter : public Filter {
 public:
  explicit MetricsFilter(MetricsRegistry& registry);
  std::string_view name() const override { return "metrics"; }
  void OnComplete(Exchange& ex) override;

 private:
  // The series one (route, model, status) feeds, looked up in the registry once.
  struct Series {
    Counter* requests;
    Histogram* duration;
    Histogram* first_byte;  // null for exchanges without an inference request
    Counter* client_disconnects;
    Counter* prompt_tokens;      // null without an inference request for a known model
    Counter* completion_tokens;  // null without an inference request for a known model
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  Series& SeriesFor(const Exchange& ex);

  MetricsRegistry& registry_;
  std::mutex mu_;
  std::unordered_map<std::string, Series, StringHash, std::equal_to<>> series_;
};

}  // namespace bastion::gateway
