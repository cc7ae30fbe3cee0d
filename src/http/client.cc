#include "http/client.h"

#include <limits>

#include "http/asio.h"

namespace bastion::http {
namespace {

constexpr uint32_t kMaxResponseHeader = 64 << 10;

Status FromError(const error_code& ec, std::string_view what) {
  if (ec == beast::error::timeout) return Status::DeadlineExceeded(std::string(what) + " timed out");
  if (ec == net::error::operation_aborted) return Status::Unavailable(std::string(what) + " cancelled");
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == net::error::broken_pipe) {
    return Status::IoError(std::string(what) + ": connection closed by upstream");
  }
  return Status::Unavailable(std::string(what) + ": " + ec.message());
}

}  // namespace

class ClientConnection::Impl {
 public:
  explicit Impl(Executor executor) : stream(std::move(executor)) {}

  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::optional<bhttp::response_parser<bhttp::buffer_body>> parser;
  std::array<char, 16384> body_buffer{};
  bool cancelled = false;
  bool done = false;
};

ClientConnection::ClientConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ClientConnection::~ClientConnection() = default;

Awaitable<Result<std::unique_ptr<ClientConnection>>> ClientConnection::Connect(
    Executor executor, std::string host, uint16_t port, Millis timeout) {
  auto impl = std::make_unique<Impl>(executor);
  error_code ec;
  tcp::resolver resolver(executor);
  auto endpoints = co_await resolver.async_resolve(host, std::to_string(port),
                                                   net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return Status::Unavailable("cannot resolve upstream host " + host + ": " + ec.message());
  impl->stream.expires_after(timeout);
  co_await impl->stream.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return FromError(ec, "connect to " + host + ":" + std::to_string(port));
  impl->stream.socket().set_option(tcp::no_delay(true), ec);
  co_return std::unique_ptr<ClientConnection>(new ClientConnection(std::move(impl)));
}

Awaitable<Status> ClientConnection::Send(const ClientRequest& request, Millis timeout) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(request.method), request.target, 11};
  req.set(bhttp::field::host, request.host);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = request.body;
  req.keep_alive(true);
  req.prepare_payload();
  impl_->done = false;
  error_code ec;
  impl_->stream.expires_after(timeout);
  co_await bhttp::async_write(impl_->stream, req, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return FromError(ec, "sending to upstream");
  co_return Status::Ok();
}

Awaitable<Result<ClientResponseHead>> ClientConnection::ReadHead(Millis timeout) {
  auto& parser = impl_->parser.emplace();
  parser.header_limit(kMaxResponseHeader);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  error_code ec;
  impl_->stream.expires_after(timeout);
  co_await bhttp::async_read_header(impl_->stream, impl_->buffer, parser,
                                    net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return FromError(ec, "waiting for the upstream's response");
  const auto& head = parser.get();
  ClientResponseHead out;
  out.status = static_cast<int>(head.result_int());
  out.content_type = std::string(head[bhttp::field::content_type]);
  out.retry_after = std::string(head[bhttp::field::retry_after]);
  co_return out;
}

Awaitable<Result<std::string_view>> ClientConnection::ReadBody(Millis idle_timeout) {
  auto& parser = *impl_->parser;
  while (!parser.is_done()) {
    auto& body = parser.get().body();
    body.data = impl_->body_buffer.data();
    body.size = impl_->body_buffer.size();
    error_code ec;
    impl_->stream.expires_after(idle_timeout);
    co_await bhttp::async_read_some(impl_->stream, impl_->buffer, parser,
                                    net::redirect_error(net::use_awaitable, ec));
    if (ec && ec != bhttp::error::need_buffer) co_return FromError(ec, "reading the upstream's body");
    size_t got = impl_->body_buffer.size() - parser.get().body().size;
    if (got > 0) co_return std::string_view(impl_->body_buffer.data(), got);
  }
  if (!impl_->done) {
    impl_->done = true;
    ++exchanges_;
  }
  co_return std::string_view();
}

void ClientConnection::Cancel() {
  impl_->cancelled = true;
  error_code ec;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  impl_->stream.cancel();
}

bool ClientConnection::reusable() const {
  return !impl_->cancelled && impl_->done && impl_->parser && impl_->parser->keep_alive() &&
         impl_->stream.socket().is_open();
}

}  // namespace bastion::http
