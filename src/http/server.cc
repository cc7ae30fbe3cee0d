#include "http/server.h"

#include <openssl/ssl.h>

#include <csignal>
#include <thread>

#include "common/log.h"
#include "http/asio.h"
#include "http/session.h"

namespace bastion::http {
namespace {

using Work = net::executor_work_guard<net::io_context::executor_type>;

Awaitable<void> RefuseConnection(tcp::socket socket, ServerState& state) {
  if (state.options.on_rejected) state.options.on_rejected(503, "connection limit reached");
  Response r = state.options.error_response
                   ? state.options.error_response(503, "server is at its connection limit")
                   : Response{503, "text/plain", {}, "server is at its connection limit"};
  std::string head = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
                     "Content-Type: " + r.content_type + "\r\nContent-Length: " +
                     std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
  error_code ec;
  co_await net::async_write(socket, net::buffer(head), net::redirect_error(net::use_awaitable, ec));
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, Handler handler) {
    state_.options = std::move(options);
    state_.handler = std::move(handler);
    int threads = state_.options.threads;
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < threads; ++i) {
      workers_.push_back(std::make_unique<net::io_context>(1));
      work_.emplace_back(workers_.back()->get_executor());
    }
    state_.idle.resize(workers_.size());
  }

  Status Listen();
  void Run();
  void Drain(Millis timeout);
  void Stop();
  Awaitable<void> Accept();
  Status LoadTls();

  ServerState state_;
  std::vector<std::unique_ptr<net::io_context>> workers_;
  std::vector<Work> work_;
  // Declared after the workers so it is destroyed first: a pending accept that it destroys
  // still refers to the worker that was to own the socket.
  net::io_context control_{1};
  std::optional<tcp::acceptor> acceptor_;
  std::optional<net::ssl::context> tls_;
  std::optional<net::signal_set> signals_;
  std::optional<net::steady_timer> drain_timer_;
  std::function<void()> on_drain_;
  uint16_t port_ = 0;
  size_t next_worker_ = 0;
};

namespace {

Status LoadServerTls(net::ssl::context& ctx, const ServerOptions& o) {
  ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_compression |
                    net::ssl::context::single_dh_use);
  int min = o.tls_min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
  SSL_CTX_set_min_proto_version(ctx.native_handle(), min);
  SSL_CTX_set_cipher_list(ctx.native_handle(),
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                          "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                          "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  error_code ec;
  ctx.use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec) return Status::InvalidArgument("cannot load TLS certificate '" + o.tls_cert_file + "': " + ec.message());
  ctx.use_private_key_file(o.tls_key_file, net::ssl::context::pem, ec);
  if (ec) return Status::InvalidArgument("cannot load TLS key '" + o.tls_key_file + "': " + ec.message());
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return Status::InvalidArgument("TLS key '" + o.tls_key_file + "' does not match the certificate");
  }
  return Status::Ok();
}

}  // namespace

Status HttpServer::Impl::LoadTls() {
  tls_.emplace(net::ssl::context::tls_server);
  return LoadServerTls(*tls_, state_.options);
}

Status HttpServer::CheckTls(const ServerOptions& options) {
  if (options.tls_cert_file.empty()) return Status::Ok();
  net::ssl::context ctx(net::ssl::context::tls_server);
  return LoadServerTls(ctx, options);
}

Status HttpServer::Impl::Listen() {
  const auto& o = state_.options;
  if (!o.tls_cert_file.empty()) {
    if (Status st = LoadTls(); !st.ok()) return st;
  }
  error_code ec;
  std::string host = o.listen.host == "localhost" ? "127.0.0.1" : o.listen.host;
  auto address = net::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("listen host must be an IP address: " + o.listen.host);
  tcp::endpoint endpoint(address, o.listen.port);
  acceptor_.emplace(control_);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("cannot listen on " + o.listen.ToString() + ": " + ec.message());
  port_ = acceptor_->local_endpoint().port();
  return Status::Ok();
}

Awaitable<void> HttpServer::Impl::Accept() {
  while (acceptor_->is_open()) {
    size_t worker = next_worker_++ % workers_.size();
    error_code ec;
    tcp::socket socket = co_await acceptor_->async_accept(
        *workers_[worker], net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (ec == net::error::operation_aborted) break;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    if (state_.connections.load() >= state_.options.max_connections) {
      net::co_spawn(executor, RefuseConnection(std::move(socket), state_), net::detached);
      continue;
    }
    if (tls_) {
      using Stream = beast::ssl_stream<beast::tcp_stream>;
      auto s = std::make_shared<Session<Stream>>(Stream(beast::tcp_stream(std::move(socket)), *tls_),
                                                 state_, worker, true);
      net::co_spawn(executor, [s] { return s->Run(); }, net::detached);
    } else {
      auto s = std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)),
                                                            state_, worker, false);
      net::co_spawn(executor, [s] { return s->Run(); }, net::detached);
    }
  }
}

void HttpServer::Impl::Run() {
  net::co_spawn(control_, Accept(), net::detached);
  std::vector<std::thread> threads;
  for (auto& worker : workers_) {
    threads.emplace_back([ctx = worker.get()] { ctx->run(); });
  }
  auto control_work = net::make_work_guard(control_);
  std::thread control([this] { control_.run(); });
  for (auto& t : threads) t.join();
  control_work.reset();
  control_.stop();
  control.join();
}

void HttpServer::Impl::Drain(Millis timeout) {
  net::post(control_, [this, timeout] {
    if (state_.draining.exchange(true)) return;
    spdlog::info("draining: no new connections; in-flight requests have {}ms",
                 timeout.count());
    error_code ec;
    acceptor_->close(ec);
    if (signals_) signals_->cancel(ec);
    if (on_drain_) on_drain_();
    for (size_t i = 0; i < workers_.size(); ++i) {
      net::post(*workers_[i], [this, i] {
        auto idle = state_.idle[i];  // CloseIdle() edits the set
        for (IdleConnection* c : idle) c->CloseIdle();
      });
    }
    work_.clear();
    drain_timer_.emplace(control_, timeout);
    drain_timer_->async_wait([this](error_code e) {
      if (!e) Stop();
    });
  });
}

void HttpServer::Impl::Stop() {
  for (auto& worker : workers_) worker->stop();
  control_.stop();
}

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
HttpServer::~HttpServer() = default;
Status HttpServer::Listen() { return impl_->Listen(); }
uint16_t HttpServer::port() const { return impl_->port_; }
size_t HttpServer::worker_count() const { return impl_->workers_.size(); }
Executor HttpServer::control_executor() { return impl_->control_.get_executor(); }
void HttpServer::OnDrain(std::function<void()> on_drain) { impl_->on_drain_ = std::move(on_drain); }
void HttpServer::Run() { impl_->Run(); }
void HttpServer::Drain(Millis timeout) { impl_->Drain(timeout); }
void HttpServer::Stop() { impl_->Stop(); }

void HttpServer::DrainOnSignals() {
  impl_->signals_.emplace(impl_->control_, SIGTERM, SIGINT);
  impl_->signals_->async_wait([this](error_code ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}", signal);
    Drain(impl_->state_.options.drain_timeout);
  });
}

}  // namespace bastion::http
