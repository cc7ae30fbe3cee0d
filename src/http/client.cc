#include "http/client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <limits>

#include "http/asio.h"
#include "http/head_writer.h"

namespace bastion::http {
namespace {

constexpr uint32_t kMaxResponseHeader = 64 << 10;
constexpr size_t kReadBufferBytes = 16 << 10;

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

Status FromError(const error_code& ec, std::string_view what) {
  if (ec == beast::error::timeout) return Status::DeadlineExceeded(std::string(what) + " timed out");
  if (ec == net::error::operation_aborted) return Status::Unavailable(std::string(what) + " cancelled");
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == net::error::broken_pipe ||
      ec == net::ssl::error::stream_truncated) {
    return Status::IoError(std::string(what) + ": connection closed by upstream");
  }
  return Status::Unavailable(std::string(what) + ": " + ec.message());
}

// Makes the handshake check the certificate against the name or address dialled.
bool ExpectPeer(SSL* ssl, const std::string& host) {
  error_code ec;
  net::ip::make_address(host, ec);
  if (!ec) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set1_host(ssl, host.c_str()) == 1 && SSL_set_tlsext_host_name(ssl, host.c_str()) == 1;
}

}  // namespace

struct TlsClientContext::Impl {
  net::ssl::context ctx{net::ssl::context::tls_client};
};

TlsClientContext::TlsClientContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsClientContext::~TlsClientContext() = default;

Result<std::shared_ptr<TlsClientContext>> TlsClientContext::Create(const std::string& ca_file) {
  auto impl = std::make_unique<Impl>();
  SSL_CTX_set_min_proto_version(impl->ctx.native_handle(), TLS1_2_VERSION);
  impl->ctx.set_verify_mode(net::ssl::verify_peer);
  error_code ec;
  if (ca_file.empty()) impl->ctx.set_default_verify_paths(ec);
  else impl->ctx.load_verify_file(ca_file, ec);
  if (ec) {
    return Status::InvalidArgument("cannot load CA certificates" +
                                   (ca_file.empty() ? std::string() : " from '" + ca_file + "'") +
                                   ": " + ec.message());
  }
  return std::shared_ptr<TlsClientContext>(new TlsClientContext(std::move(impl)));
}

class ClientConnection::Impl {
 public:
  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  std::optional<beast::tcp_stream> plain;
  std::optional<TlsStream> tls;
  std::string head;  // the request head being written
  beast::flat_buffer buffer;
  std::optional<bhttp::response_parser<bhttp::buffer_body>> parser;
  std::array<char, 16384> body_buffer{};
  bool cancelled = false;
  bool done = false;
};

namespace {

template <typename Stream>
Awaitable<error_code> WriteAll(Stream& s, const std::array<net::const_buffer, 2>& buffers) {
  error_code ec;
  co_await net::async_write(s, buffers, net::redirect_error(net::use_awaitable, ec));
  co_return ec;
}

template <typename Stream, typename Parser>
Awaitable<error_code> ReadHeader(Stream& s, beast::flat_buffer& buffer, Parser& parser) {
  error_code ec;
  co_await bhttp::async_read_header(s, buffer, parser, net::redirect_error(net::use_awaitable, ec));
  co_return ec;
}

template <typename Stream, typename Parser>
Awaitable<error_code> ReadSome(Stream& s, beast::flat_buffer& buffer, Parser& parser) {
  error_code ec;
  co_await bhttp::async_read_some(s, buffer, parser, net::redirect_error(net::use_awaitable, ec));
  co_return ec;
}

}  // namespace

ClientConnection::ClientConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ClientConnection::~ClientConnection() = default;

Awaitable<Result<std::unique_ptr<ClientConnection>>> ClientConnection::Connect(
    Executor executor, std::string host, uint16_t port, Millis timeout,
    const TlsClientContext* tls) {
  auto impl = std::make_unique<Impl>();
  beast::tcp_stream stream(executor);
  error_code ec;
  tcp::resolver resolver(executor);
  auto endpoints = co_await resolver.async_resolve(host, std::to_string(port),
                                                   net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return Status::Unavailable("cannot resolve upstream host " + host + ": " + ec.message());
  std::string where = host + ":" + std::to_string(port);
  stream.expires_after(timeout);
  co_await stream.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return FromError(ec, "connect to " + where);
  stream.socket().set_option(tcp::no_delay(true), ec);
  if (tls == nullptr) {
    impl->plain.emplace(std::move(stream));
  } else {
    impl->tls.emplace(std::move(stream), tls->impl_->ctx);
    if (!ExpectPeer(impl->tls->native_handle(), host)) {
      co_return Status::Internal("cannot set up TLS peer verification for " + host);
    }
    impl->lowest().expires_after(timeout);
    co_await impl->tls->async_handshake(net::ssl::stream_base::client,
                                        net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return FromError(ec, "TLS handshake with " + where);
  }
  // Beast reads at most the buffer's free space, at least 512 bytes: room for a typical
  // response head and JSON body saves a read and a wake-up per exchange.
  impl->buffer.reserve(kReadBufferBytes);
  co_return std::unique_ptr<ClientConnection>(new ClientConnection(std::move(impl)));
}

Awaitable<Status> ClientConnection::Send(const ClientRequest& request, Millis timeout) {
  auto& head = impl_->head;
  head.clear();
  WriteRequestHead({.method = request.method,
                    .target = request.target,
                    .host = request.host,
                    .headers = &request.headers,
                    .content_length = request.body.size()},
                   head);
  std::array<net::const_buffer, 2> buffers{net::buffer(head), net::buffer(request.body)};
  impl_->done = false;
  impl_->lowest().expires_after(timeout);
  error_code ec = impl_->tls ? co_await WriteAll(*impl_->tls, buffers)
                             : co_await WriteAll(*impl_->plain, buffers);
  if (ec) co_return FromError(ec, "sending to upstream");
  co_return Status::Ok();
}

Awaitable<Result<ClientResponseHead>> ClientConnection::ReadHead(Millis timeout) {
  auto& parser = impl_->parser.emplace();
  parser.header_limit(kMaxResponseHeader);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  impl_->lowest().expires_after(timeout);
  error_code ec = impl_->tls ? co_await ReadHeader(*impl_->tls, impl_->buffer, parser)
                             : co_await ReadHeader(*impl_->plain, impl_->buffer, parser);
  if (ec) co_return FromError(ec, "waiting for the upstream's response");
  const auto& head = parser.get();
  ClientResponseHead out;
  out.status = static_cast<int>(head.result_int());
  out.content_type = std::string(head[bhttp::field::content_type]);
  out.retry_after = std::string(head[bhttp::field::retry_after]);
  out.location = std::string(head[bhttp::field::location]);
  out.content_range = std::string(head[bhttp::field::content_range]);
  out.server = std::string(head[bhttp::field::server]);
  out.powered_by = std::string(head["X-Powered-By"]);
  co_return out;
}

Awaitable<Result<std::string_view>> ClientConnection::ReadBody(Millis idle_timeout) {
  auto& parser = *impl_->parser;
  while (!parser.is_done()) {
    auto& body = parser.get().body();
    body.data = impl_->body_buffer.data();
    body.size = impl_->body_buffer.size();
    impl_->lowest().expires_after(idle_timeout);
    error_code ec = impl_->tls ? co_await ReadSome(*impl_->tls, impl_->buffer, parser)
                               : co_await ReadSome(*impl_->plain, impl_->buffer, parser);
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
  impl_->lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
  impl_->lowest().cancel();
}

bool ClientConnection::reusable() const {
  return !impl_->cancelled && impl_->done && impl_->parser && impl_->parser->keep_alive() &&
         impl_->lowest().socket().is_open();
}

}  // namespace bastion::http
