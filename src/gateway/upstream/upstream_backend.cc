#include "gateway/upstream/upstream_backend.h"

#include <optional>

#include "gateway/reasoning/reasoning_rewriter.h"
#include "http/asio.h"
#include "http/sse.h"

namespace bastion::gateway {
namespace {

constexpr size_t kMaxEventBytes = 4 << 20;
constexpr size_t kMaxErrorBody = 64 << 10;
constexpr int kRetryAfterSeconds = 5;

class OutstandingGuard {
 public:
  explicit OutstandingGuard(Upstream& u) : u_(u) {
    u_.outstanding.fetch_add(1, std::memory_order_relaxed);
    u_.outstanding_gauge->Add(1);
  }
  ~OutstandingGuard() {
    u_.outstanding.fetch_sub(1, std::memory_order_relaxed);
    u_.outstanding_gauge->Add(-1);
  }

 private:
  Upstream& u_;
};

ApiError Unreachable(const std::string& model, const Status& why) {
  return ApiError::Upstream(
      502, "upstream_unavailable",
      "could not reach an upstream for model '" + model + "' (" + why.message() + ")",
      kRetryAfterSeconds);
}

ApiError Timeout(const std::string& what) {
  return ApiError::Upstream(504, "upstream_timeout", what, kRetryAfterSeconds);
}

int ParseRetryAfter(const std::string& value) {
  int seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9' || seconds > 86'400) return kRetryAfterSeconds;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds > 0 ? seconds : kRetryAfterSeconds;
}

}  // namespace

struct UpstreamBackend::Attempt {
  Exchange& ex;
  ResponseChannel& out;
  Upstream& upstream;
  http::ClientRequest& request;
  http::ClientConnection*& active;  // what the client-gone hook cancels
  std::unique_ptr<http::ClientConnection> conn;
  std::optional<ApiError> error;  // why the attempt failed, when it did
};

UpstreamBackend::UpstreamBackend(const ModelConfig& model, const UpstreamPolicy& policy,
                                 std::unique_ptr<UpstreamSet> upstreams)
    : model_(model.name),
      upstream_model_(model.upstream_model),
      split_reasoning_(EffectiveReasoning(model) == ReasoningFormat::kDeepSeekR1),
      policy_(policy),
      set_(std::move(upstreams)) {}

http::Awaitable<void> UpstreamBackend::Serve(Exchange& ex, ResponseChannel& out) {
  const InferenceRequest& inference = *ex.inference;
  http::ClientRequest request;
  if (upstream_model_.empty() || upstream_model_ == model_) {
    request.body = std::string(ex.body());
  } else {
    request.body = ReplaceModel(ex.body(), upstream_model_);
  }
  // Built from scratch: nothing the client sent (its Authorization above all) reaches upstreams.
  const http::HeaderList base_headers = {
      {"Content-Type", "application/json"},
      {"Accept", inference.stream ? "text/event-stream" : "application/json"},
      {"X-Request-Id", ex.request_id}};
  const char* path = inference.kind == InferenceKind::kChat ? "/chat/completions" : "/completions";

  http::ClientConnection* active = nullptr;
  out.writer().WatchForClientClose([&ex, &active] {
    ex.client_gone = true;
    if (active) active->Cancel();
  });

  std::vector<Upstream*> tried;
  std::optional<ApiError> last;
  for (int i = 0; i <= policy_.retries && !ex.client_gone; ++i) {
    Upstream* u = set_->Pick(tried);
    if (u == nullptr) break;
    tried.push_back(u);
    ++ex.attempts;
    ex.upstream = u->label;
    request.target = u->base_path + path;
    request.host = u->url.Authority();
    request.headers = base_headers;
    if (!u->api_key.empty()) request.headers.emplace_back("Authorization", "Bearer " + u->api_key);
    OutstandingGuard guard(*u);
    Attempt a{ex, out, *u, request, active, nullptr, std::nullopt};
    bool done = co_await Try(a);
    active = nullptr;
    if (done) co_return;
    last = a.error;
  }
  if (ex.client_gone) co_return;
  if (!last) {
    last = ApiError::Upstream(503, "no_healthy_upstream",
                              "no healthy upstream for model '" + model_ + "'; retry later",
                              kRetryAfterSeconds);
  }
  co_await out.SendError(*last);
}

http::Awaitable<bool> UpstreamBackend::Open(Attempt& a) {
  size_t worker = a.ex.request.worker;
  a.conn = set_->TakeIdle(a.upstream, worker);
  for (;;) {
    bool pooled = a.conn != nullptr;
    if (!pooled) {
      auto fresh = co_await http::ClientConnection::Connect(
          co_await http::net::this_coro::executor, a.upstream.url.host, a.upstream.url.port,
          policy_.connect_timeout, a.upstream.tls.get());
      if (!fresh.ok()) {
        set_->ReportFailure(a.upstream, fresh.status().message());
        a.error = Unreachable(model_, fresh.status());
        co_return false;
      }
      a.conn = std::move(*fresh);
    }
    a.active = a.conn.get();
    Status st = co_await a.conn->Send(a.request, policy_.idle_timeout);
    if (st.ok()) co_return true;
    if (pooled && st.code() == StatusCode::kIoError) {  // a stale keep-alive connection
      a.conn.reset();
      continue;
    }
    set_->ReportFailure(a.upstream, st.message());
    a.error = Unreachable(model_, st);
    co_return false;
  }
}

http::Awaitable<bool> UpstreamBackend::Try(Attempt& a) {
  std::optional<http::ClientResponseHead> head;
  for (int fresh_tries = 0; !head; ++fresh_tries) {
    if (!co_await Open(a)) co_return a.ex.client_gone;
    bool pooled = a.conn->reused();
    auto h = co_await a.conn->ReadHead(policy_.first_byte_timeout);
    if (a.ex.client_gone) co_return true;
    if (h.ok()) {
      head = std::move(*h);
      break;
    }
    if (pooled && h.status().code() == StatusCode::kIoError && fresh_tries == 0) {
      a.conn.reset();  // the upstream closed an idle connection as we reused it
      a.upstream.pools[a.ex.request.worker].clear();
      continue;
    }
    set_->ReportFailure(a.upstream, h.status().message());
    if (h.status().code() == StatusCode::kDeadlineExceeded) {
      a.conn->Cancel();
      co_await a.out.SendError(Timeout("upstream for model '" + model_ +
                                       "' did not answer within upstream.first_byte_timeout"));
      co_return true;
    }
    a.error = Unreachable(model_, h.status());
    co_return false;
  }
  if (head->status >= 500) {
    set_->ReportFailure(a.upstream, "answered " + std::to_string(head->status));
    int status = head->status == 503 ? 503 : 502;
    a.error = ApiError::Upstream(
        status, "upstream_error",
        "upstream for model '" + model_ + "' answered HTTP " + std::to_string(head->status),
        ParseRetryAfter(head->retry_after));
    a.conn->Cancel();
    co_return false;
  }
  set_->ReportSuccess(a.upstream);
  bool stream = a.ex.inference->stream && head->status == 200 &&
                head->content_type.find("text/event-stream") != std::string::npos;
  bool done = stream ? co_await RelayStream(a) : co_await RelayWhole(a, head->status);
  if (done && a.conn) set_->ReturnIdle(a.upstream, a.ex.request.worker, std::move(a.conn));
  co_return done;
}

http::Awaitable<bool> UpstreamBackend::RelayWhole(Attempt& a, int status) {
  size_t limit = status >= 400 ? kMaxErrorBody : policy_.max_response_bytes;
  std::string body;
  for (;;) {
    auto piece = co_await a.conn->ReadBody(policy_.idle_timeout);
    if (a.ex.client_gone) co_return true;
    if (!piece.ok()) {
      set_->ReportFailure(a.upstream, piece.status().message());
      a.error = Unreachable(model_, piece.status());
      co_return false;  // nothing reached the client yet: another upstream may answer
    }
    if (piece->empty()) break;
    body.append(*piece);
    if (body.size() > limit) {
      a.conn->Cancel();
      co_await a.out.SendError(
          ApiError::Upstream(502, "upstream_response_too_large",
                             "upstream response exceeds upstream.max_response_bytes", 0));
      co_return true;
    }
  }
  if (status == 401 || status == 403) {
    // Our credential, not the caller's, was refused: the caller cannot fix it, and the
    // upstream's words about its key stay here.
    co_await a.out.SendError(ApiError::Upstream(
        502, "upstream_auth_failed",
        "the upstream for model '" + model_ +
            "' refused bastion's credential; the operator should check api_key_env",
        0));
    co_return true;
  }
  if (status >= 400) {
    // The upstream judged the request (e.g. context too long): relay its OpenAI-style error.
    a.ex.error_code = "upstream_" + std::to_string(status);
    co_await a.out.SendJson(status, std::move(body), false);
    co_return true;
  }
  if (split_reasoning_ && a.ex.inference->kind == InferenceKind::kChat) {
    RewriteReasoningResponse(body);
  }
  co_await a.out.SendJson(status, std::move(body));
  co_return true;
}

http::Awaitable<void> UpstreamBackend::FailStream(Attempt& a, const Status& why) {
  set_->ReportFailure(a.upstream, why.message());
  a.conn->Cancel();
  ApiError error = why.code() == StatusCode::kDeadlineExceeded
                       ? Timeout("upstream went silent for longer than upstream.idle_timeout")
                       : ApiError::Upstream(502, "upstream_stream_error",
                                            "upstream stream failed: " + why.message(), 0);
  co_await a.out.SendErrorEvent(error);
  co_await a.out.EndEvents();
}

http::Awaitable<bool> UpstreamBackend::RelayStream(Attempt& a) {
  http::SseParser parser(kMaxEventBytes);
  ReasoningStreamRewriter reasoning;
  bool split = split_reasoning_ && a.ex.inference->kind == InferenceKind::kChat;
  std::vector<std::string> events;
  http::SseEvent event;
  for (;;) {
    auto piece = co_await a.conn->ReadBody(policy_.idle_timeout);
    if (a.ex.client_gone) co_return true;
    if (!piece.ok() || !parser.Feed(piece.ok() ? *piece : std::string_view())) {
      Status why =
          piece.ok() ? Status::ResourceExhausted("event larger than 4 MiB") : piece.status();
      if (!a.out.streaming()) {  // nothing sent yet: another upstream may answer
        set_->ReportFailure(a.upstream, why.message());
        a.error = Unreachable(model_, why);
        co_return false;
      }
      co_await FailStream(a, why);
      co_return true;
    }
    if (piece->empty()) break;
    events.clear();
    while (parser.Next(event)) {
      if (event.data.empty()) continue;
      if (split && event.data != "[DONE]") reasoning.Rewrite(event.data);
      events.push_back(std::move(event.data));
    }
    if (events.empty()) continue;
    if (!a.out.streaming() && !co_await a.out.BeginEvents()) break;
    if (!co_await a.out.SendEvents(events)) break;
  }
  if (a.ex.client_gone || a.out.writer().client_gone()) {
    a.conn->Cancel();
    co_return true;
  }
  if (!a.out.streaming()) co_await a.out.BeginEvents();
  co_await a.out.EndEvents();
  co_return true;
}

void UpstreamBackend::WriteStatus(JsonWriter& w) const {
  size_t healthy = 0;
  for (const auto& u : set_->upstreams()) healthy += u->healthy ? 1 : 0;
  w.Key("healthy_upstreams").Uint(healthy).Key("upstreams").Uint(set_->size());
}

void UpstreamBackend::Shutdown() {
  for (const auto& u : set_->upstreams()) {
    for (auto& pool : u->pools) pool.clear();
  }
}

}  // namespace bastion::gateway
