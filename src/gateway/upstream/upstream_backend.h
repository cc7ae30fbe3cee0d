#pragma once
// Relays inference requests to a model's upstreams: least-outstanding choice among healthy
// upstreams, retry on another one only while nothing has reached the client, the upstream's
// credential injected (never the client's), SSE relayed event by event, and the upstream
// request cancelled when the client goes away.

#include <memory>
#include <string>

#include "common/config.h"
#include "common/metrics.h"
#include "gateway/backend.h"
#include "gateway/upstream/upstream_set.h"

namespace bastion::gateway {

class UpstreamBackend : public Backend {
 public:
  UpstreamBackend(const ModelConfig& model, const UpstreamPolicy& policy,
                  std::unique_ptr<UpstreamSet> upstreams);

  http::Awaitable<void> Serve(Exchange& ex, ResponseChannel& out) override;
  bool Ready() const override { return set_->AnyHealthy(); }
  void WriteStatus(JsonWriter& w) const override;
  void Shutdown() override;
  UpstreamSet& upstreams() { return *set_; }

 private:
  struct Attempt;

  http::Awaitable<bool> Try(Attempt& a);
  http::Awaitable<bool> Open(Attempt& a);
  http::Awaitable<bool> RelayWhole(Attempt& a, int status);
  http::Awaitable<bool> RelayStream(Attempt& a);
  http::Awaitable<void> FailStream(Attempt& a, const Status& why);

  std::string model_;
  std::string upstream_model_;
  bool split_reasoning_;
  UpstreamPolicy policy_;
  std::unique_ptr<UpstreamSet> set_;
};

}  // namespace bastion::gateway
