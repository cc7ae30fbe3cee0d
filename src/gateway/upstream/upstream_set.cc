#include "gateway/upstream/upstream_set.h"

#include <limits>

#include "common/log.h"

namespace bastion::gateway {

Result<std::unique_ptr<UpstreamSet>> UpstreamSet::Create(const ModelConfig& model,
                                                         const UpstreamPolicy& policy,
                                                         size_t workers, MetricsRegistry& metrics) {
  std::unique_ptr<UpstreamSet> set(new UpstreamSet(model.name, policy));
  for (const auto& config : model.upstreams) {
    auto u = std::make_unique<Upstream>();
    u->url = ParseUrl(config.url).value();  // validated with the config
    u->base_path = u->url.path == "/" ? "/v1" : u->url.path;
    u->api_key = config.api_key;
    u->label = u->url.ToString();
    u->pools.resize(workers);
    if (u->url.scheme == "https") {
      auto tls = http::TlsClientContext::Create(config.ca_file);
      if (!tls.ok()) {
        return Status::InvalidArgument("model '" + model.name + "', upstream " + u->label + ": " +
                                       tls.status().message());
      }
      u->tls = std::move(*tls);
    }
    Labels labels = {{"model", model.name}, {"upstream", u->label}};
    u->healthy_gauge = &metrics.GetGauge("bastion_upstream_healthy",
                                         "1 if the upstream is in rotation, 0 if taken out", labels);
    u->outstanding_gauge = &metrics.GetGauge("bastion_upstream_outstanding_requests",
                                             "Requests in flight to the upstream", labels);
    u->healthy_gauge->Set(1);
    set->upstreams_.push_back(std::move(u));
  }
  return set;
}

Upstream* UpstreamSet::Pick(const std::vector<Upstream*>& tried) {
  size_t n = upstreams_.size();
  size_t start = rotation_.fetch_add(1, std::memory_order_relaxed);
  Upstream* best = nullptr;
  int best_load = std::numeric_limits<int>::max();
  for (size_t k = 0; k < n; ++k) {
    Upstream* u = upstreams_[(start + k) % n].get();
    if (!u->healthy.load(std::memory_order_relaxed)) continue;
    bool was_tried = false;
    for (Upstream* t : tried) was_tried = was_tried || t == u;
    if (was_tried) continue;
    int load = u->outstanding.load(std::memory_order_relaxed);
    if (load < best_load) {
      best = u;
      best_load = load;
    }
  }
  return best;
}

bool UpstreamSet::AnyHealthy() const {
  for (const auto& u : upstreams_) {
    if (u->healthy.load(std::memory_order_relaxed)) return true;
  }
  return false;
}

void UpstreamSet::ReportSuccess(Upstream& u) {
  u.failures.store(0, std::memory_order_relaxed);
  if (u.healthy.load(std::memory_order_relaxed)) return;
  if (u.successes.fetch_add(1) + 1 >= policy_.healthy_threshold) {
    u.successes.store(0);
    if (!u.healthy.exchange(true)) {
      u.healthy_gauge->Set(1);
      spdlog::info("upstream back in rotation: model={} upstream={}", model_, u.label);
    }
  }
}

void UpstreamSet::ReportFailure(Upstream& u, std::string_view why) {
  u.successes.store(0, std::memory_order_relaxed);
  if (u.failures.fetch_add(1) + 1 >= policy_.unhealthy_threshold) {
    if (u.healthy.exchange(false)) {
      u.healthy_gauge->Set(0);
      spdlog::warn("upstream taken out of rotation: model={} upstream={} reason={}", model_,
                   u.label, why);
    }
  }
}

std::unique_ptr<http::ClientConnection> UpstreamSet::TakeIdle(Upstream& u, size_t worker) {
  auto& pool = u.pools[worker];
  if (pool.empty()) return nullptr;
  auto c = std::move(pool.back());
  pool.pop_back();
  return c;
}

void UpstreamSet::ReturnIdle(Upstream& u, size_t worker, std::unique_ptr<http::ClientConnection> c) {
  auto& pool = u.pools[worker];
  if (c && c->reusable() && pool.size() < static_cast<size_t>(policy_.max_idle_connections)) {
    pool.push_back(std::move(c));
  }
}

}  // namespace bastion::gateway
