#include "gateway/gateway.h"

#include "common/json_writer.h"
#include "gateway/embedded/embedded_backend.h"
#include "gateway/embedded/model_admission.h"
#include "gateway/filters/access_log/access_log_filter.h"
#include "gateway/filters/metrics/metrics_filter.h"
#include "gateway/filters/request_id/request_id_filter.h"
#include "gateway/response_channel.h"

namespace bastion::gateway {

struct Gateway::Route {
  std::string_view method;
  std::string_view path;
  RouteHandler handler;
};

namespace {

// Every route the gateway serves. Later issues add theirs here.
constexpr std::string_view kGet = "GET";
constexpr std::string_view kPost = "POST";

}  // namespace

std::string_view Gateway::AllowedMethod(std::string_view path) {
  bool known = false;
  const Route* get = Match("GET", path, known);
  return get ? "GET" : "POST";
}

const Gateway::Route* Gateway::Match(std::string_view method, std::string_view path,
                                     bool& path_known) {
  static const Route kRoutes[] = {
      {kGet, "/healthz", &Gateway::Healthz},
      {kGet, "/readyz", &Gateway::Readyz},
      {kGet, "/metrics", &Gateway::Metrics},
      {kGet, "/v1/models", &Gateway::Models},
      {kPost, "/v1/chat/completions", &Gateway::ChatCompletions},
      {kPost, "/v1/completions", &Gateway::Completions},
  };
  path_known = false;
  for (const Route& r : kRoutes) {
    if (r.path != path) continue;
    path_known = true;
    if (r.method == method || (method == "HEAD" && r.method == kGet)) return &r;
  }
  return nullptr;
}

Gateway::Gateway(std::shared_ptr<const Config> config, MetricsRegistry& metrics)
    : config_(std::move(config)), metrics_(metrics) {
  chain_.Add(std::make_unique<RequestIdFilter>());
  chain_.Add(std::make_unique<MetricsFilter>(metrics_));
  chain_.Add(std::make_unique<AccessLogFilter>());
}

Result<std::unique_ptr<Gateway>> Gateway::Create(std::shared_ptr<const Config> config,
                                                 MetricsRegistry& metrics, size_t workers) {
  std::unique_ptr<Gateway> gateway(new Gateway(std::move(config), metrics));
  for (const ModelConfig& m : gateway->config_->models) {
    Model model{m, nullptr};
    if (!m.path.empty()) {
      if (Status st = AdmitModel(m, *gateway->config_); !st.ok()) return st;
      auto embedded = EmbeddedBackend::Create(m, gateway->config_->engine, metrics);
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

http::Awaitable<void> Gateway::Handle(http::Request& request, http::ResponseWriter& writer) {
  Exchange ex(request);
  ResponseChannel out(ex, chain_, writer);
  bool path_known = false;
  const Route* route = Match(request.method, request.Path(), path_known);
  ex.route = route ? std::string(route->path) : "unmatched";
  if (auto r = chain_.OnHeaders(ex); r.respond) {
    co_await out.SendError(*r.respond);
  } else if (route) {
    co_await (this->*route->handler)(ex, out);
  } else if (path_known) {
    ex.response_headers.emplace_back("Allow", std::string(AllowedMethod(request.Path())));
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

http::Awaitable<void> Gateway::Models(Exchange&, ResponseChannel& out) {
  JsonWriter w;
  w.BeginObject().Key("object").String("list").Key("data").BeginArray();
  for (const auto& [name, model] : models_) {
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
  co_await it->second.backend->Serve(ex, out);
}

}  // namespace bastion::gateway
