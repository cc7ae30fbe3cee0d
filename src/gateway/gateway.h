#pragma once
// The OpenAI-compatible gateway: routes, the filter chain, and one backend per model.
// Built once from validated config; Handle() runs on any worker thread.

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "audit/audit_log.h"
#include "auth/authenticator.h"
#include "auth/limits/limiter.h"
#include "common/config.h"
#include "common/metrics.h"
#include "gateway/admin/keys_api.h"
#include "gateway/backend.h"
#include "gateway/filter.h"
#include "gateway/guard_classifier.h"
#include "gateway/upstream/health_checker.h"
#include "gateway/upstream/upstream_backend.h"
#include "http/response_writer.h"

namespace bastion::gateway {

class AuditFilter;

// One route as the access policy sees it: `bastion routes` prints these, and the access
// matrix test walks them all.
struct RouteSpec {
  std::string_view method;
  std::string_view pattern;  // "{id}" matches one path segment
  auth::Permission permission;
};

class Gateway {
 public:
  // Every route the gateway serves, in order.
  static std::vector<RouteSpec> Routes();

  // Fails when a model's upstreams cannot be set up (e.g. an unreadable CA file), its file
  // cannot be loaded by the embedded engine, or access control cannot start (the key store,
  // the JWKS, Redis). `check_only` (serve --check) leaves the data directory untouched: the
  // key store is not opened, and the gateway must not serve.
  static Result<std::unique_ptr<Gateway>> Create(std::shared_ptr<const Config> config,
                                                 MetricsRegistry& metrics, size_t workers,
                                                 bool check_only = false);
  // The names clients use, in order.
  std::vector<std::string> model_names() const;
  ~Gateway();

  http::Awaitable<void> Handle(http::Request& request, http::ResponseWriter& writer);

  // Health checks run on `control` (the server's control thread).
  void StartHealthChecks(http::Executor control);
  // Stops health checks and makes /readyz fail, so load balancers stop sending traffic.
  void BeginDrain();
  // Closes pooled upstream connections and ends health checking, while the server's
  // io_contexts still exist. REQUIRES: the server's threads have stopped.
  void Shutdown();

  bool Ready() const;

  // Audits a request the HTTP server refused before routing (malformed HTTP, too large, too
  // slow): `reason` is the server's own sentence, never request data. Any thread.
  void RecordRejected(int status, std::string_view reason);

 private:
  struct Route;
  struct RouteMatch {
    const Route* route = nullptr;  // matched method and path
    const Route* path = nullptr;   // a route with this path (for 405), when `route` is null
    std::string param;
  };
  struct Model {
    ModelConfig config;
    std::unique_ptr<Backend> backend;
    UpstreamBackend* upstream = nullptr;  // the backend, when it relays to upstreams
  };
  using RouteHandler = http::Awaitable<void> (Gateway::*)(Exchange&, ResponseChannel&);

  Gateway(std::shared_ptr<const Config> config, MetricsRegistry& metrics);
  Status SetUpAccessControl(bool check_only);
  Status SetUpGuardClassifier();
  // The audit trail and its filter (the chain's last, so it sees the answer as sent).
  Status SetUpAudit();
  // Every route the gateway serves. A new route names the permission it needs; one that no
  // role holds is refused to everyone (auth::RoleGrants).
  static const std::vector<Route>& RouteTable();
  static RouteMatch Match(std::string_view method, std::string_view path);
  // For a 405: the methods the path answers, "GET, POST".
  static std::string AllowedMethods(std::string_view path);
  http::Awaitable<void> Healthz(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> Readyz(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> Metrics(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> Models(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> ChatCompletions(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> Completions(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> Inference(InferenceKind kind, Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> ListKeys(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> CreateKey(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> RevokeKey(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> RotateKey(Exchange& ex, ResponseChannel& out);

  std::shared_ptr<const Config> config_;
  MetricsRegistry& metrics_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<auth::Limiter> limiter_;
  std::unique_ptr<KeysApi> keys_api_;
  std::shared_ptr<const guard::Guardrails> guardrails_;  // null when guard.enabled is false
  std::unique_ptr<GuardClassifier> classifier_;          // the guard's second stage, if any
  std::unique_ptr<audit::AuditLog> audit_log_;           // null when audit.enabled is false
  AuditFilter* audit_ = nullptr;                         // in chain_, when audit_log_ is set
  FilterChain chain_;
  std::map<std::string, Model, std::less<>> models_;
  std::unique_ptr<HealthChecker> health_;
  std::atomic<bool> draining_{false};
};

}  // namespace bastion::gateway
