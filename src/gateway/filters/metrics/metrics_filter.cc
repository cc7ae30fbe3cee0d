#include "gateway/filters/metrics/metrics_filter.h"

namespace bastion::gateway {

MetricsFilter::MetricsFilter(MetricsRegistry& registry)
    : registry_(registry) {}

void MetricsFilter::OnComplete(Exchange& ex) {
  using std::chrono::duration;
  std::string model = ex.model.empty() ? "-" : ex.model;
  registry_
      .GetCounter("bastion_requests_total", "Requests by route, model and status",
                  {{"route", ex.route}, {"model", model}, {"status", std::to_string(ex.status)}})
      .Inc();
  double seconds = duration<double>(Clock::now() - ex.start).count();
  registry_
      .GetHistogram("bastion_request_duration_seconds", "Time from request to last byte",
                    {{"route", ex.route}}, LatencyBuckets())
      .Observe(seconds);
  if (ex.first_byte && ex.inference && ex.status == 200) {
    registry_
        .GetHistogram("bastion_time_to_first_byte_seconds",
                      "Time from request to the first response byte (first token when streaming)",
                      {{"model", model}}, LatencyBuckets())
        .Observe(duration<double>(*ex.first_byte - ex.start).count());
  }
  if (ex.client_gone) {
    registry_.GetCounter("bastion_client_disconnects_total",
                         "Exchanges the client abandoned before the response completed",
                         {{"route", ex.route}})
        .Inc();
  }
}

}  // namespace bastion::gateway
