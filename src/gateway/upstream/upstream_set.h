#pragma once
// The upstreams of one model: health state, outstanding request counts, least-outstanding
// choice, and per-worker pools of idle keep-alive connections.
//
// Thread safety: health and counts are atomics, read and written from any thread; pools[w]
// is touched only by worker thread w.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/metrics.h"
#include "common/url.h"
#include "http/client.h"

namespace bastion::gateway {

struct Upstream {
  Url url;
  std::string base_path;  // url.path, "/v1" when the URL had none
  std::string api_key;    // injected as a bearer token; never logged or returned
  std::string label;      // url without credentials, for logs and metrics
  std::shared_ptr<http::TlsClientContext> tls;  // set for https upstreams

  std::atomic<int> outstanding{0};
  std::atomic<bool> healthy{true};
  std::atomic<int> failures{0};   // consecutive failed checks or requests
  std::atomic<int> successes{0};  // consecutive passed checks while unhealthy

  // Idle connections, one list per worker.
  std::vector<std::vector<std::unique_ptr<http::ClientConnection>>> pools;

  Gauge* healthy_gauge = nullptr;
  Gauge* outstanding_gauge = nullptr;
};

class UpstreamSet {
 public:
  // Fails when an https upstream's CA file cannot be loaded.
  static Result<std::unique_ptr<UpstreamSet>> Create(const ModelConfig& model,
                                                     const UpstreamPolicy& policy, size_t workers,
                                                     MetricsRegistry& metrics);

  // The healthy upstream with the fewest outstanding requests that is not in `tried`;
  // ties go round-robin. nullptr when there is none.
  Upstream* Pick(const std::vector<Upstream*>& tried);
  bool AnyHealthy() const;
  size_t size() const { return upstreams_.size(); }
  const std::vector<std::unique_ptr<Upstream>>& upstreams() const { return upstreams_; }

  // Passive and active health reports; thresholds come from the policy.
  void ReportSuccess(Upstream& u);
  void ReportFailure(Upstream& u, std::string_view why);

  // Pool access. REQUIRES: called on worker thread `worker`.
  std::unique_ptr<http::ClientConnection> TakeIdle(Upstream& u, size_t worker);
  void ReturnIdle(Upstream& u, size_t worker, std::unique_ptr<http::ClientConnection> c);

 private:
  UpstreamSet(std::string model, const UpstreamPolicy& policy) : model_(std::move(model)), policy_(policy) {}

  std::string model_;
  UpstreamPolicy policy_;
  std::vector<std::unique_ptr<Upstream>> upstreams_;
  std::atomic<size_t> rotation_{0};
};

}  // namespace bastion::gateway
