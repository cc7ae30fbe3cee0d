#include "gateway/upstream/health_checker.h"

#include <list>

#include "http/asio.h"

namespace bastion::gateway {

namespace net = http::net;

struct HealthChecker::State {
  bool stopped = false;
  std::list<net::steady_timer> timers;
};

HealthChecker::HealthChecker(UpstreamPolicy policy, http::Executor executor)
    : policy_(std::move(policy)), executor_(std::move(executor)), state_(std::make_shared<State>()) {}

HealthChecker::~HealthChecker() = default;

void HealthChecker::Watch(UpstreamSet& set) { sets_.push_back(&set); }

void HealthChecker::Start() {
  for (UpstreamSet* set : sets_) {
    for (const auto& u : set->upstreams()) {
      net::co_spawn(executor_, Loop(*set, *u), net::detached);
    }
  }
}

void HealthChecker::Stop() {
  net::dispatch(executor_, [state = state_] {
    state->stopped = true;
    for (auto& t : state->timers) t.cancel();
  });
}

http::Awaitable<Status> HealthChecker::Check(http::Executor executor, const Upstream& upstream,
                                             const UpstreamPolicy& policy) {
  auto conn = co_await http::ClientConnection::Connect(
      executor, upstream.url.host, upstream.url.port, policy.health_timeout, upstream.tls.get());
  if (!conn.ok()) co_return conn.status();
  http::ClientRequest request;
  request.method = "GET";
  request.target = upstream.base_path + policy.health_path;
  request.host = upstream.url.Authority();
  if (!upstream.api_key.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + upstream.api_key);
  }
  if (Status st = co_await (*conn)->Send(request, policy.health_timeout); !st.ok()) co_return st;
  auto head = co_await (*conn)->ReadHead(policy.health_timeout);
  if (!head.ok()) co_return head.status();
  if (head->status < 200 || head->status > 299) {
    co_return Status::Unavailable("health check answered " + std::to_string(head->status));
  }
  size_t total = 0;
  for (;;) {
    auto piece = co_await (*conn)->ReadBody(policy.health_timeout);
    if (!piece.ok()) co_return piece.status();
    if (piece->empty() || (total += piece->size()) > (1 << 20)) break;
  }
  co_return Status::Ok();
}

http::Awaitable<void> HealthChecker::Loop(UpstreamSet& set, Upstream& upstream) {
  auto state = state_;
  auto& timer = state->timers.emplace_back(executor_);
  while (!state->stopped) {
    timer.expires_after(policy_.health_interval);
    http::error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    if (state->stopped) break;
    Status st = co_await Check(executor_, upstream, policy_);
    if (state->stopped) break;
    if (st.ok()) set.ReportSuccess(upstream);
    else set.ReportFailure(upstream, "health check: " + st.message());
  }
}

}  // namespace bastion::gateway
