#pragma once
// Active health checks: every health_interval, GET <base URL><health_path> on each upstream;
// a 2xx within health_timeout passes. Runs on the control thread.

#include <memory>
#include <vector>

#include "common/config.h"
#include "gateway/upstream/upstream_set.h"
#include "http/awaitable.h"

namespace bastion::gateway {

class HealthChecker {
 public:
  HealthChecker(UpstreamPolicy policy, http::Executor executor);
  ~HealthChecker();

  void Watch(UpstreamSet& set);
  void Start();
  // Cancels the pending waits; checks in flight end within health_timeout.
  void Stop();

  // One check, exposed for tests.
  static http::Awaitable<Status> Check(http::Executor executor, const Upstream& upstream,
                                       const UpstreamPolicy& policy);

 private:
  struct State;
  http::Awaitable<void> Loop(UpstreamSet& set, Upstream& upstream);

  UpstreamPolicy policy_;
  http::Executor executor_;
  std::vector<UpstreamSet*> sets_;
  std::shared_ptr<State> state_;
};

}  // namespace bastion::gateway
