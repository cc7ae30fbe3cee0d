#pragma once
// The HTTP/1.1 server: one acceptor, N worker threads each running its own io_context, every
// connection owned by one worker for its whole life (so handlers need no locks for
// per-worker state). Optional TLS (1.2+). Enforces header/body size limits, slow-client
// timeouts and a connection cap; drains gracefully.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/duration.h"
#include "common/host_port.h"
#include "common/status.h"
#include "http/awaitable.h"
#include "http/response_writer.h"

namespace bastion::http {

struct ServerOptions {
  HostPort listen{"127.0.0.1", 8080};
  int threads = 0;  // 0: one per core
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  int max_connections = 1024;
  Millis header_timeout{10'000};
  Millis body_timeout{30'000};
  Millis keepalive_timeout{60'000};
  Millis write_timeout{30'000};
  Millis drain_timeout{30'000};  // used by DrainOnSignals
  std::string tls_cert_file;  // both empty: plaintext
  std::string tls_key_file;
  std::string tls_min_version = "1.2";
  // Renders errors the server answers by itself (400, 408, 413, 431, 503).
  std::function<Response(int status, std::string_view message)> error_response;
  // Told about every request the server refuses by itself, before any handler sees it (the
  // statuses above, and 408 for clients too slow to finish a request). Any thread.
  std::function<void(int status, std::string_view reason)> on_rejected;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS certificate and key as Listen() would, without binding (for --check).
  static Status CheckTls(const ServerOptions& options);

  // Binds the listening socket and loads TLS material. After success, port() is known.
  Status Listen();
  uint16_t port() const;
  size_t worker_count() const;
  // Executor of the control thread (acceptor, signals, timers such as health checks).
  Executor control_executor();

  // Calls `on_drain` (on the control thread) when a drain starts, so owners can stop timers.
  void OnDrain(std::function<void()> on_drain);
  // Drains on SIGTERM and SIGINT.
  void DrainOnSignals();

  // REQUIRES: Listen() succeeded. Serves until a drain finishes or Stop(); then returns.
  void Run();
  // Stops accepting, lets in-flight requests finish (closing idle keep-alive connections),
  // and forces the rest closed after `timeout`. Thread-safe.
  void Drain(Millis timeout);
  // Stops at once. Thread-safe.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bastion::http
