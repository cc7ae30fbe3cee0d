#include "auth/jwt/jwks_fetch.h"

#include <fstream>
#include <optional>

#include "common/host_port.h"
#include "http/asio.h"

namespace bastion::auth {
namespace {

http::Awaitable<Result<std::string>> ReadBody(http::ClientConnection& connection, Millis timeout) {
  std::string body;
  while (true) {
    auto piece = co_await connection.ReadBody(timeout);
    if (!piece.ok()) co_return piece.status();
    if (piece->empty()) co_return body;
    if (body.size() + piece->size() > kMaxJwksDocumentBytes) {
      co_return Status::ResourceExhausted("the key set is larger than 64 KiB");
    }
    body.append(*piece);
  }
}

http::Awaitable<Result<std::string>> Get(http::Executor executor, const Url& url,
                                         const http::TlsClientContext* tls, Millis timeout) {
  auto connection =
      co_await http::ClientConnection::Connect(executor, url.host, url.port, timeout, tls);
  if (!connection.ok()) co_return connection.status();
  http::ClientRequest request{.method = "GET", .target = url.path, .host = url.Authority()};
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("User-Agent", "bastion");
  if (Status s = co_await (*connection)->Send(request, timeout); !s.ok()) co_return s;
  auto head = co_await (*connection)->ReadHead(timeout);
  if (!head.ok()) co_return head.status();
  if (head->status != 200) {
    co_return Status::Unavailable("the key set URL answered HTTP " + std::to_string(head->status));
  }
  co_return co_await ReadBody(**connection, timeout);
}

}  // namespace

Result<std::string> ReadJwksFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open the key set file " + path);
  std::string text(kMaxJwksDocumentBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return Status::IoError("cannot read the key set file " + path);
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxJwksDocumentBytes) {
    return Status::InvalidArgument("the key set file " + path + " is larger than 64 KiB");
  }
  return text;
}

Result<std::string> FetchJwksUrl(const Url& url, const http::TlsClientContext* tls,
                                 Millis timeout) {
  if (url.scheme == "http" && !IsLoopbackHost(url.host)) {
    return Status::PermissionDenied("refusing to fetch a key set over plain http from " +
                                    url.Authority() + ": use https");
  }
  if (url.scheme == "https" && tls == nullptr) return Status::Internal("no TLS context");
  http::net::io_context io;
  std::optional<Result<std::string>> out;
  auto run = [&]() -> http::Awaitable<void> {
    out.emplace(
        co_await Get(io.get_executor(), url, url.scheme == "https" ? tls : nullptr, timeout));
  };
  http::net::co_spawn(io, run, http::net::detached);
  io.run();
  if (!out) return Status::Internal("the key set fetch did not finish");
  return std::move(*out);
}

}  // namespace bastion::auth
