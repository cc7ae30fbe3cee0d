#pragma once
// One HTTP/1.1 connection to an upstream, as a client. Every operation has its own timeout.
// Used by one coroutine at a time, on one thread; Cancel() may be called from another
// coroutine on the same thread (e.g. when the downstream client goes away).

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/duration.h"
#include "common/status.h"
#include "http/awaitable.h"
#include "http/message.h"

namespace bastion::http {

struct ClientRequest {
  std::string method = "POST";
  std::string target;  // path and query
  std::string host;    // Host header value
  HeaderList headers;  // besides Host, Content-Length and Connection
  std::string body;
};

struct ClientResponseHead {
  int status = 0;
  std::string content_type;
  std::string retry_after;
  std::string location;       // redirects
  std::string content_range;  // 206 answers to a Range request
  std::string server;         // Server and X-Powered-By: doctor looks for version leaks
  std::string powered_by;
};

// Trust settings for https upstreams: the system's CA store, or one CA bundle. Peers must
// present a certificate valid for the host name (or IP) dialled; TLS 1.2 at least.
// Immutable once created; shared by all threads.
class TlsClientContext {
 public:
  // `ca_file` empty: the system's default CA paths.
  static Result<std::shared_ptr<TlsClientContext>> Create(const std::string& ca_file);
  ~TlsClientContext();

 private:
  friend class ClientConnection;
  struct Impl;
  explicit TlsClientContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class ClientConnection {
 public:
  ~ClientConnection();

  // Resolves `host`, connects and (with `tls`) completes the TLS handshake within `timeout`.
  // Unavailable on refusal or a certificate that does not verify, DeadlineExceeded on timeout.
  // `tls` must outlive the connection.
  static Awaitable<Result<std::unique_ptr<ClientConnection>>> Connect(
      Executor executor, std::string host, uint16_t port, Millis timeout,
      const TlsClientContext* tls = nullptr);

  Awaitable<Status> Send(const ClientRequest& request, Millis timeout);
  // Waits for the response head. IoError if the peer closed before sending a byte of it.
  Awaitable<Result<ClientResponseHead>> ReadHead(Millis timeout);
  // The next piece of the body, empty at its end. The view stays valid until the next call.
  // `idle_timeout` bounds the wait for each piece.
  Awaitable<Result<std::string_view>> ReadBody(Millis idle_timeout);

  // Aborts pending operations; the connection cannot be reused afterwards.
  void Cancel();
  // True when the last response was read to its end and the peer allows keep-alive.
  bool reusable() const;
  // True once this connection has carried a complete exchange (it came from a pool).
  bool reused() const { return exchanges_ > 0; }

 private:
  class Impl;
  explicit ClientConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  int exchanges_ = 0;
};

}  // namespace bastion::http
