#include "gateway/gateway.h"

#include "auth/limits/limiter_factory.h"
#include "common/json_writer.h"
#include "gateway/embedded/embedded_backend.h"
#include "gateway/embedded/model_admission.h"
#include "gateway/filters/access_log/access_log_filter.h"
#include "gateway/filters/audit/audit_filter.h"
#include "gateway/filters/auth/auth_filter.h"
#include "gateway/filters/guard/guard_filter.h"
#include "gateway/filters/metrics/metrics_filter.h"
#include "gateway/filters/request_id/request_id_filter.h"
#include "gateway/response_channel.h"

namespace bastion::gateway {

struct Gateway::Route {
  RouteSpec spec;
  RouteHandler handler;
};

namespace {

using auth::Permission;
constexpr std::string_view kGet = "GET";
constexpr std::string_view kPost = "POST";
constexpr std::string_view kDelete = "DELETE";

// Whether `path` fits `pattern`, segment by segment; "{id}" takes one non-empty segment.
bool MatchPattern(std::string_view pattern, std::string_view path, std::string& param) {
  while (!pattern.empty() && !path.empty()) {
    size_t pe = pattern.find('/', 1), te = path.find('/', 1);
    std::string_view pseg = pattern.substr(0, pe), tseg = path.substr(0, te);
    if (pseg == "/{id}") {
      if (tseg.size() < 2) return false;
      param = std::string(tseg.substr(1));
    } else if (pseg != tseg) {
      return false;
    }
    pattern = pe == std::string_view::npos ? std::string_view() : pattern.substr(pe);
    path = te == std::string_view::npos ? std::string_view() : path.substr(te);
  }
  return pattern.empty() && path.empty();
}

}  // namespace

std::vector<RouteSpec> Gateway::Routes() {
  std::vector<RouteSpec> specs;
  for (const Route& r : RouteTable()) specs.push_back(r.spec);
  return specs;
}

Gateway::RouteMatch Gateway::Match(std::string_view method, std::string_view path) {
  RouteMatch m;
  for (const Route& r : RouteTable()) {
    std::string param;
    if (!MatchPattern(r.spec.pattern, path, param)) continue;
    if (r.spec.method == method || (method == "HEAD" && r.spec.method == kGet)) {
      m.route = &r;
      m.param = std::move(param);
      return m;
    }
    if (!m.path) m.path = &r;
  }
  return m;
}

std::string Gateway::AllowedMethods(std::string_view path) {
  std::string methods;
  for (const Route& r : RouteTable()) {
    std::string param;
    if (!MatchPattern(r.spec.pattern, path, param)) continue;
    methods += (methods.empty() ? "" : ", ") + std::string(r.spec.method);
  }
  return methods;
}

const std::vector<Gateway::Route>& Gateway::RouteTable() {
  static const std::vector<Gateway::Route> kRoutes = {
      {{kGet, "/healthz", Permission::kAnonymous}, &Gateway::Healthz},
      {{kGet, "/readyz", Permission::kHealth}, &Gateway::Readyz},
      {{kGet, "/metrics", Permission::kMetrics}, &Gateway::Metrics},
      {{kGet, "/v1/models", Permission::kListModels}, &Gateway::Models},
      {{kPost, "/v1/chat/completions", Permission::kInference}, &Gateway::ChatCompletions},
      {{kPost, "/v1/completions", Permission::kInference}, &Gateway::Completions},
      {{kGet, "/admin/keys", Permission::kManageKeys}, &Gateway::ListKeys},
      {{kPost, "/admin/keys", Permission::kManageKeys}, &Gateway::CreateKey},
      {{kDelete, "/admin/keys/{id}", Permission::kManageKeys}, &Gateway::RevokeKey},
      {{kPost, "/admin/keys/{id}/rotate", Permission::kManageKeys}, &Gateway::RotateKey},
  };
  return kRoutes;
}

Gateway::Gateway(std::shared_ptr<const Config> config, MetricsRegistry& metrics)
    : config_(std::move(config)), metrics_(metrics) {}

Status Gateway::SetUpAccessControl(bool check_only) {
  const Config& c = *config_;
  auto authenticator = auth::Authenticator::Create(c, !check_only);
  if (!authenticator.ok()) return authenticator.status();
  authenticator_ = std::move(*authenticator);
  auto limiter = auth::MakeLimiter(c.auth.redis_url);
  if (!limiter.ok()) return limiter.status();
  limiter_ = std::move(*limiter);
  if (c.guard.enabled) {
    auto created = guard::Guardrails::Create(c.guard);
    if (!created.ok()) return created.status();
    guardrails_ = std::move(*created);
  }
  if (check_only) return Status::Ok();
  keys_api_ = std::make_unique<KeysApi>(authenticator_->keys());
  AuthFilterOptions options;
  options.insecure_no_auth = c.server.insecure_no_auth;
  options.metrics_anonymous = c.auth.metrics_anonymous;
  options.failure_threshold = c.auth.failure_threshold;
  chain_.Add(std::make_unique<RequestIdFilter>());
  chain_.Add(std::make_unique<MetricsFilter>(metrics_));
  chain_.Add(std::make_unique<AccessLogFilter>());
  chain_.Add(std::make_unique<AuthFilter>(authenticator_.get(), *limiter_, metrics_, options));
  if (guardrails_) chain_.Add(std::make_unique<GuardFilter>(guardrails_, metrics_));
  return SetUpAudit();
}

Status Gateway::SetUpAudit() {
  const Config& c = *config_;
  if (!c.audit.enabled) return Status::Ok();
  auto log = audit::AuditLog::Open(c.audit, c.server.data_dir, metrics_);
  if (!log.ok()) return log.status();
  audit_log_ = std::move(*log);
  // Content under "redacted" loses PII and secrets whatever the guard's actions say.
  bool redacted = c.audit.Uses(ContentPolicy::kRedacted);
  std::shared_ptr<const guard::Guardrails> redactor = guardrails_;
  if (redacted && !redactor) {
    auto created = guard::Guardrails::Create(GuardConfig{});
    if (!created.ok()) return created.status();
    redactor = std::move(*created);
  }
  auto filter = std::make_unique<AuditFilter>(*audit_log_, redacted ? redactor : nullptr);
  audit_ = filter.get();
  chain_.Add(std::move(filter));
  return Status::Ok();
}

Status Gateway::SetUpGuardClassifier() {
  const std::string& name = config_->guard.classifier_model;
  if (name.empty() || !guardrails_) return Status::Ok();
  auto it = models_.find(name);
  if (it == models_.end()) {
    return Status::InvalidArgument("guard.classifier_model = \"" + name +
                                   "\": not a model served here (add it under [[models]])");
  }
  classifier_ = std::make_unique<GuardClassifier>(name, *it->second.backend, guardrails_, metrics_);
  return Status::Ok();
}

Result<std::unique_ptr<Gateway>> Gateway::Create(std::shared_ptr<const Config> config,
                                                 MetricsRegistry& metrics, size_t workers,
                                                 bool check_only) {
  std::unique_ptr<Gateway> gateway(new Gateway(std::move(config), metrics));
  if (Status st = gateway->SetUpAccessControl(check_only); !st.ok()) return st;
  for (const ModelConfig& m : gateway->config_->models) {
    Model model{m, nullptr};
    if (!m.path.empty()) {
      if (Status st = AdmitModel(m, *gateway->config_); !st.ok()) return st;
      auto embedded = EmbeddedBackend::Create(m, *gateway->config_, metrics);
      if (!embedded.ok()) return embedded.status();
      model.config.name = (*embedded)->name();
      model.backend = std::move(*embedded);
    } else {
      auto upstreams = UpstreamSet::Create(m, gateway->config_->upstream, workers, metrics);
      if (!upstreams.ok()) return upstreams.status();
      auto upstream =
          std::make_unique<UpstreamBackend>(m, gateway->config_->upstream, std::move(*upstreams));
      model.upstream = upstream.get();
      model.backend = std::move(upstream);
    }
    std::string name = model.config.name;
    if (!gateway->models_.emplace(name, std::move(model)).second) {
      return Status::InvalidArgument("model '" + name +
                                     "' is served twice; give one of them another name");
    }
  }
  if (Status st = gateway->SetUpGuardClassifier(); !st.ok()) return st;
  return gateway;
}

Gateway::~Gateway() = default;

std::vector<std::string> Gateway::model_names() const {
  std::vector<std::string> names;
  for (const auto& [name, model] : models_) names.push_back(name);
  return names;
}

void Gateway::StartHealthChecks(http::Executor control) {
  health_ = std::make_unique<HealthChecker>(config_->upstream, std::move(control));
  for (auto& [name, model] : models_) {
    if (model.upstream) health_->Watch(model.upstream->upstreams());
  }
  health_->Start();
}

void Gateway::BeginDrain() {
  draining_ = true;
  if (health_) health_->Stop();
}

void Gateway::Shutdown() {
  health_.reset();
  for (auto& [name, model] : models_) model.backend->Shutdown();
}

bool Gateway::Ready() const {
  if (draining_) return false;
  for (const auto& [name, model] : models_) {
    if (!model.backend->Ready()) return false;
  }
  return true;
}

void Gateway::RecordRejected(int status, std::string_view reason) {
  if (audit_) audit_->RecordRejected(status, reason);
}

http::Awaitable<void> Gateway::Handle(http::Request& request, http::ResponseWriter& writer) {
  Exchange ex(request);
  ResponseChannel out(ex, chain_, writer, audit_);
  RouteMatch match = Match(request.method, request.Path());
  const Route* route = match.route;
  ex.route = route ? std::string(route->spec.pattern) : "unmatched";
  ex.route_param = std::move(match.param);
  // A known path with the wrong method needs that path's permission before it says 405;
  // an unknown path needs any valid credential before it says 404.
  const Route* policy_route = route ? route : match.path;
  ex.permission = policy_route ? policy_route->spec.permission : Permission::kAuthenticated;
  if (auto r = chain_.OnHeaders(ex); r.respond) {
    co_await out.SendError(*r.respond);
  } else if (route) {
    co_await (this->*route->handler)(ex, out);
  } else if (match.path) {
    ex.response_headers.emplace_back("Allow", AllowedMethods(request.Path()));
    ApiError e{405,
               "invalid_request_error",
               "method_not_allowed",
               request.method + " is not allowed on " + std::string(request.Path()),
               "",
               0};
    co_await out.SendError(e);
  } else {
    co_await out.SendError(ApiError::NotFound(
        "unknown_route", "no route " + request.method + " " + std::string(request.Path()) +
                             "; see GET /v1/models and POST /v1/chat/completions"));
  }
  chain_.OnComplete(ex);
}

http::Awaitable<void> Gateway::Healthz(Exchange&, ResponseChannel& out) {
  co_await out.SendJson(200, R"({"status":"ok"})", false);
}

http::Awaitable<void> Gateway::Readyz(Exchange&, ResponseChannel& out) {
  JsonWriter w;
  bool ready = Ready();
  w.BeginObject().Key("status").String(ready ? "ready" : draining_ ? "draining" : "not_ready");
  w.Key("models").BeginObject();
  for (const auto& [name, model] : models_) {
    w.Key(name).BeginObject();
    model.backend->WriteStatus(w);
    w.EndObject();
  }
  w.EndObject().EndObject();
  co_await out.SendJson(ready ? 200 : 503, w.Take(), false);
}

http::Awaitable<void> Gateway::Metrics(Exchange&, ResponseChannel& out) {
  co_await out.SendText(200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics_.RenderPrometheus());
}

http::Awaitable<void> Gateway::Models(Exchange& ex, ResponseChannel& out) {
  JsonWriter w;
  w.BeginObject().Key("object").String("list").Key("data").BeginArray();
  for (const auto& [name, model] : models_) {
    if (ex.identity && !ex.identity->MayUseModel(name)) continue;
    w.BeginObject().Key("id").String(name).Key("object").String("model");
    w.Key("created").Int(0).Key("owned_by").String("bastion").EndObject();
  }
  w.EndArray().EndObject();
  co_await out.SendJson(200, w.Take(), false);
}

http::Awaitable<void> Gateway::ChatCompletions(Exchange& ex, ResponseChannel& out) {
  co_await Inference(InferenceKind::kChat, ex, out);
}

http::Awaitable<void> Gateway::Completions(Exchange& ex, ResponseChannel& out) {
  co_await Inference(InferenceKind::kCompletion, ex, out);
}

http::Awaitable<void> Gateway::Inference(InferenceKind kind, Exchange& ex, ResponseChannel& out) {
  InferenceRequest inference;
  if (auto error = ParseInferenceRequest(kind, ex.request.body, inference)) {
    co_await out.SendError(*error);
    co_return;
  }
  auto it = models_.find(inference.model);
  if (it == models_.end()) {
    co_await out.SendError(ApiError::NotFound(
        "model_not_found", "the model '" + inference.model +
                               "' does not exist here; GET /v1/models lists the served models"));
    co_return;
  }
  ex.model = it->first;
  ex.inference = std::move(inference);
  if (auto r = chain_.OnRequest(ex); r.respond) {
    co_await out.SendError(*r.respond);
    co_return;
  }
  if (classifier_) {
    if (auto blocked = co_await classifier_->Check(ex)) {
      co_await out.SendError(*blocked);
      co_return;
    }
  }
  co_await it->second.backend->Serve(ex, out);
}

http::Awaitable<void> Gateway::ListKeys(Exchange& ex, ResponseChannel& out) {
  co_await keys_api_->List(ex, out);
}

http::Awaitable<void> Gateway::CreateKey(Exchange& ex, ResponseChannel& out) {
  co_await keys_api_->Create(ex, out);
}

http::Awaitable<void> Gateway::RevokeKey(Exchange& ex, ResponseChannel& out) {
  co_await keys_api_->Revoke(ex, out);
}

http::Awaitable<void> Gateway::RotateKey(Exchange& ex, ResponseChannel& out) {
  co_await keys_api_->Rotate(ex, out);
}

}  // namespace bastion::gateway
