#include "http/session.h"

#include "http/beast_request.h"
#include "http/head_writer.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace bastion::http {
namespace {

constexpr size_t kReadChunk = 8192;
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 4 << 20;

template <typename Stream>
constexpr bool kIsTls = !std::is_same_v<Stream, beast::tcp_stream>;

}  // namespace

template <typename Stream>
class Session<Stream>::Writer : public ResponseWriter {
 public:
  explicit Writer(Session& s) : s_(s) {}
  Awaitable<bool> Send(Response r) override { return s_.Send(std::move(r)); }
  Awaitable<bool> BeginStream(int status, std::string_view type, const HeaderList& h) override {
    return s_.BeginStream(status, type, h);
  }
  Awaitable<bool> WriteChunk(std::string_view data) override { return s_.WriteChunk(data); }
  Awaitable<bool> EndStream() override { return s_.EndStream(); }
  void WatchForClientClose(std::function<void()> f) override {
    s_.WatchForClientClose(std::move(f));
  }
  bool client_gone() const override { return s_.client_gone(); }
  bool started() const override { return s_.started(); }

 private:
  Session& s_;
};

template <typename Stream>
Session<Stream>::Session(Stream stream, ServerState& state, size_t worker, bool tls)
    : stream_(std::move(stream)), state_(state), worker_(worker), tls_(tls) {
  state_.connections.fetch_add(1, std::memory_order_relaxed);
}

template <typename Stream>
Session<Stream>::~Session() {
  SetIdle(false);
  state_.connections.fetch_sub(1, std::memory_order_relaxed);
}

template <typename Stream>
void Session<Stream>::SetIdle(bool idle) {
  if (idle == idle_) return;
  idle_ = idle;
  if (idle)
    state_.idle[worker_].insert(this);
  else
    state_.idle[worker_].erase(this);
}

template <typename Stream>
void Session<Stream>::CloseIdle() {
  error_code ec;
  lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
  lowest().cancel();
}

template <typename Stream>
Awaitable<bool> Session<Stream>::Handshake() {
  if constexpr (kIsTls<Stream>) {
    error_code ec;
    lowest().expires_after(state_.options.header_timeout);
    co_await stream_.async_handshake(net::ssl::stream_base::server,
                                     net::redirect_error(net::use_awaitable, ec));
    co_return !ec;
  }
  co_return true;
}

template <typename Stream>
Awaitable<bool> Session<Stream>::WaitForRequest(bool first) {
  if (buffer_.size() > 0) co_return true;
  if (state_.draining.load()) co_return false;
  const auto& o = state_.options;
  lowest().expires_after(first ? o.header_timeout : o.keepalive_timeout);
  SetIdle(true);
  error_code ec;
  size_t n = co_await stream_.async_read_some(buffer_.prepare(kReadChunk),
                                              net::redirect_error(net::use_awaitable, ec));
  SetIdle(false);
  buffer_.commit(n);
  co_return !ec && n > 0;
}

template <typename Stream>
Awaitable<bool> Session<Stream>::ReadRequest(Request& request) {
  const auto& o = state_.options;
  parser_.emplace();
  ApplyLimits(*parser_, o.max_header_bytes, o.max_body_bytes);
  error_code ec;
  lowest().expires_after(o.header_timeout);
  co_await bhttp::async_read_header(stream_, buffer_, *parser_,
                                    net::redirect_error(net::use_awaitable, ec));
  if (ec == bhttp::error::header_limit) {
    co_await SendError(431, "request headers are larger than server.max_header_bytes");
    co_return false;
  }
  if (ec == bhttp::error::body_limit) {  // a Content-Length over the limit
    co_await SendError(413, "request body is larger than server.max_body_bytes (" +
                                std::to_string(o.max_body_bytes) + " bytes)");
    co_return false;
  }
  if (ec == beast::error::timeout) {
    // Beast has closed the socket: like nginx, a client too slow to send its headers
    // gets no answer, only the end of the connection.
    client_gone_ = true;
    Reject(408, "request headers did not arrive within server.header_timeout");
    co_return false;
  }
  if (ec) {
    if (ec != bhttp::error::end_of_stream && ec != net::error::eof) {
      co_await SendError(400, "malformed HTTP request: " + ec.message());
    }
    co_return false;
  }
  auto& head = parser_->get();
  version_ = head.version();
  if (auto problem = CheckRequestHead(*parser_, o.max_header_bytes, o.max_body_bytes)) {
    co_await SendError(problem->status, problem->message);
    co_return false;
  }
  if (beast::iequals(head[bhttp::field::expect], "100-continue") && version_ >= 11) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    co_await Write(net::buffer(kContinue.data(), kContinue.size()));
  }
  lowest().expires_after(o.body_timeout);
  co_await bhttp::async_read(stream_, buffer_, *parser_,
                             net::redirect_error(net::use_awaitable, ec));
  if (ec == bhttp::error::body_limit) {
    co_await SendError(413, "request body is larger than server.max_body_bytes");
    co_return false;
  }
  if (ec == beast::error::timeout) {
    client_gone_ = true;  // the socket is closed; see above
    Reject(408, "request body did not arrive within server.body_timeout");
    co_return false;
  }
  if (ec) {
    co_await SendError(400, "malformed HTTP request body: " + ec.message());
    co_return false;
  }
  lowest().expires_never();
  keep_alive_ = parser_->get().keep_alive() && !state_.draining.load();
  head_request_ = parser_->get().method() == bhttp::verb::head;
  request = ToRequest(parser_->release());
  if (remote_address_.empty()) {  // once per connection: getpeername is a system call
    error_code endpoint_ec;
    auto remote = lowest().socket().remote_endpoint(endpoint_ec);
    remote_address_ = endpoint_ec ? "-" : remote.address().to_string();
  }
  request.remote_address = remote_address_;
  request.tls = tls_;
  request.worker = worker_;
  co_return true;
}

template <typename Stream>
Awaitable<bool> Session<Stream>::Write(auto&& message_or_buffers) {
  if (client_gone_) co_return false;
  error_code ec;
  lowest().expires_after(state_.options.write_timeout);
  co_await net::async_write(stream_, message_or_buffers,
                            net::redirect_error(net::use_awaitable, ec));
  if (ec) client_gone_ = true;
  co_return !ec;
}

template <typename Stream>
Awaitable<bool> Session<Stream>::Send(Response r) {
  keep_alive_ = keep_alive_ && !state_.draining.load();  // tell the client when we will close
  started_ = finished_ = true;
  head_.clear();
  WriteResponseHead({.version = version_,
                     .status = r.status,
                     .content_type = r.content_type,
                     .headers = &r.headers,
                     .content_length = r.body.size(),
                     .keep_alive = keep_alive_},
                    head_);
  // The head says what GET would send; for HEAD the body stays here.
  bool with_body = !head_request_ && r.status >= 200 && r.status != 204 && r.status != 304;
  std::array<net::const_buffer, 2> buffers{
      net::buffer(head_), net::buffer(r.body.data(), with_body ? r.body.size() : 0)};
  co_return co_await Write(buffers);
}

template <typename Stream>
Awaitable<bool> Session<Stream>::BeginStream(int status, std::string_view content_type,
                                             const HeaderList& headers) {
  if (version_ >= 11) {
    keep_alive_ = keep_alive_ && !state_.draining.load();
  } else {
    keep_alive_ = false;  // HTTP/1.0: the end of the stream is the end of the connection
  }
  started_ = true;
  head_.clear();
  WriteResponseHead({.version = version_,
                     .status = status,
                     .content_type = content_type,
                     .headers = &headers,
                     .content_length = std::nullopt,
                     .keep_alive = keep_alive_},
                    head_);
  co_return co_await Write(net::buffer(head_));
}

template <typename Stream>
Awaitable<bool> Session<Stream>::WriteChunk(std::string_view data) {
  if (data.empty()) co_return !client_gone_;
  if (version_ < 11) co_return co_await Write(net::buffer(data.data(), data.size()));
  char scratch[24];
  std::string_view size_line = ChunkSizeLine(data.size(), scratch);
  std::array<net::const_buffer, 3> buffers{net::buffer(size_line.data(), size_line.size()),
                                           net::buffer(data.data(), data.size()),
                                           net::buffer("\r\n", 2)};
  co_return co_await Write(buffers);
}

template <typename Stream>
Awaitable<bool> Session<Stream>::EndStream() {
  finished_ = true;
  if (version_ < 11) co_return !client_gone_;
  co_return co_await Write(net::buffer("0\r\n\r\n", 5));
}

template <typename Stream>
void Session<Stream>::WatchForClientClose(std::function<void()> on_gone) {
  on_gone_ = std::move(on_gone);
  if (watching_) return;
  watching_ = true;
  ArmWatch();
}

template <typename Stream>
void Session<Stream>::ArmWatch() {
  // Waits for readability without reading. Asio starts a wait with EPOLL_CTL_MOD, which
  // reports a close that arrived before the wait began. Bytes of a pipelined request stay
  // in the socket for the next ReadRequest.
  lowest().socket().async_wait(tcp::socket::wait_read,
                               [self = this->shared_from_this(), gen = watch_generation_](
                                   error_code ec) { self->OnReadable(ec, gen); });
}

template <typename Stream>
bool Session<Stream>::PeerClosed() {
  // Like nginx with EPOLLRDHUP: the peer's FIN or a reset means nobody will read the answer.
  pollfd p{lowest().socket().native_handle(), POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

template <typename Stream>
bool Session<Stream>::DrainIntoBuffer() {
  int fd = lowest().socket().native_handle();
  while (buffer_.size() < state_.options.max_header_bytes) {
    auto space = buffer_.prepare(kReadChunk);
    ssize_t n = ::recv(fd, space.data(), space.size(), MSG_DONTWAIT);
    if (n > 0) {
      buffer_.commit(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    client_gone_ = true;  // end of stream or an error: the caller reports it
    return true;
  }
  return false;  // a head's worth is waiting: leave the rest to ReadRequest's limits
}

template <typename Stream>
void Session<Stream>::OnReadable(error_code ec, uint64_t generation) {
  if (generation != watch_generation_ || !watching_) return;  // a watch already stopped
  if (!ec && !PeerClosed()) {
    // Bytes arrived: a pipelined request, or a TLS record. Re-arming while they sit in the
    // socket would wake at once (Asio re-arms with EPOLL_CTL_MOD), so plain connections move
    // them to the buffer the next ReadRequest starts from; TLS ones stop watching rather than
    // decrypt here.
    if (kIsTls<Stream> || !DrainIntoBuffer()) {
      watching_ = false;
      return;
    }
    if (!client_gone_) {
      ArmWatch();
      return;
    }
  }
  watching_ = false;
  if (!finished_) {
    client_gone_ = true;
    if (on_gone_) std::exchange(on_gone_, nullptr)();
  }
}

template <typename Stream>
void Session<Stream>::StopWatching() {
  on_gone_ = nullptr;
  if (!watching_) return;
  watching_ = false;
  ++watch_generation_;  // the cancelled wait's handler will find it stale
  error_code ec;
  lowest().socket().cancel(ec);
}

template <typename Stream>
void Session<Stream>::Reject(int status, std::string_view reason) {
  if (state_.options.on_rejected) state_.options.on_rejected(status, reason);
}

template <typename Stream>
Awaitable<void> Session<Stream>::SendError(int status, std::string_view message) {
  Reject(status, message);
  keep_alive_ = false;
  Response r = state_.options.error_response
                   ? state_.options.error_response(status, message)
                   : Response{status, "text/plain", {}, std::string(message)};
  co_await Send(std::move(r));
}

template <typename Stream>
Awaitable<void> Session<Stream>::Close(bool linger) {
  error_code ec;
  if constexpr (kIsTls<Stream>) {
    if (!client_gone_) {
      lowest().expires_after(std::chrono::seconds(1));
      co_await stream_.async_shutdown(net::redirect_error(net::use_awaitable, ec));
    }
  }
  auto& socket = lowest().socket();
  socket.shutdown(tcp::socket::shutdown_send, ec);
  if (linger && !client_gone_) {
    // Like nginx's lingering close: read and drop what the client is still sending, so an
    // error response is not destroyed by a TCP reset before the client reads it.
    lowest().expires_after(kLingerTime);
    size_t dropped = 0;
    while (!ec && dropped < kLingerBytes) {
      buffer_.clear();
      dropped += co_await lowest().async_read_some(buffer_.prepare(kReadChunk),
                                                   net::redirect_error(net::use_awaitable, ec));
    }
  }
  socket.close(ec);
}

template <typename Stream>
Awaitable<void> Session<Stream>::Run() {
  auto self = this->shared_from_this();
  bool linger = false;
  if (co_await Handshake()) {
    for (bool first = true;; first = false) {
      if (!co_await WaitForRequest(first)) break;
      Request request;
      if (!co_await ReadRequest(request)) {
        linger = true;
        break;
      }
      started_ = finished_ = client_gone_ = false;
      Writer writer(*this);
      co_await state_.handler(request, writer);
      StopWatching();
      if (!finished_ && !client_gone_) {
        if (!started_) co_await SendError(500, "the handler produced no response");
        break;
      }
      if (!keep_alive_ || client_gone_ || state_.draining.load()) break;
    }
  }
  co_await Close(linger);
}

template class Session<beast::tcp_stream>;
template class Session<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace bastion::http
