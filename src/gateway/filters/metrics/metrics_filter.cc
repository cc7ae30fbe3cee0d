#include "gateway/filters/metrics/metrics_filter.h"

namespace bastion::gateway {
namespace {

Counter* TokensCounter(MetricsRegistry& registry, const std::string& model, const char* kind) {
  return &registry.GetCounter("bastion_tokens_total",
                              "Tokens by model and kind (prompt, completion), as reported by "
                              "the backend",
                              {{"model", model}, {"kind", kind}});
}

}  // namespace

MetricsFilter::MetricsFilter(MetricsRegistry& registry) : registry_(registry) {}

MetricsFilter::Series& MetricsFilter::SeriesFor(const Exchange& ex) {
  const std::string& model = ex.model.empty() ? std::string("-") : ex.model;
  thread_local std::string key;
  key.clear();
  key.append(ex.route).append(1, '\0').append(model).append(1, '\0');
  key.append(std::to_string(ex.status)).append(ex.inference ? "+" : "-");
  std::lock_guard lock(mu_);
  if (auto it = series_.find(std::string_view(key)); it != series_.end()) return it->second;
  Series s{
      &registry_.GetCounter("bastion_requests_total", "Requests by route, model and status",
                            {{"route", ex.route}, {"model", model},
                             {"status", std::to_string(ex.status)}}),
      &registry_.GetHistogram("bastion_request_duration_seconds", "Time from request to last byte",
                              {{"route", ex.route}}, LatencyBuckets()),
      // Only exchanges that reached a model have a first byte worth a series.
      !ex.inference
          ? nullptr
          : &registry_.GetHistogram(
                "bastion_time_to_first_byte_seconds",
                "Time from request to the first response byte (first token when streaming)",
                {{"model", model}}, LatencyBuckets()),
      &registry_.GetCounter("bastion_client_disconnects_total",
                            "Exchanges the client abandoned before the response completed",
                            {{"route", ex.route}}),
      ex.inference && !ex.model.empty() ? TokensCounter(registry_, model, "prompt") : nullptr,
      ex.inference && !ex.model.empty() ? TokensCounter(registry_, model, "completion") : nullptr,
  };
  return series_.emplace(key, s).first->second;
}

void MetricsFilter::OnComplete(Exchange& ex) {
  using std::chrono::duration;
  Series& s = SeriesFor(ex);
  s.requests->Inc();
  s.duration->Observe(duration<double>(Clock::now() - ex.start).count());
  if (s.first_byte && ex.first_byte && ex.inference && ex.status == 200) {
    s.first_byte->Observe(duration<double>(*ex.first_byte - ex.start).count());
  }
  if (ex.client_gone) s.client_disconnects->Inc();
  if (s.prompt_tokens && ex.prompt_tokens > 0) {
    s.prompt_tokens->Inc(static_cast<uint64_t>(ex.prompt_tokens));
  }
  if (s.completion_tokens && ex.completion_tokens > 0) {
    s.completion_tokens->Inc(static_cast<uint64_t>(ex.completion_tokens));
  }
}

}  // namespace bastion::gateway
