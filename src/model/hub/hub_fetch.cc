#include "model/hub/hub_fetch.h"

#include <simdjson.h>

namespace bastion::model {
namespace {

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Status CheckHop(const HubUrl& url, const HubTransport& transport) {
  if (!transport.allowlist.Allows(url)) {
    return Status::PermissionDenied("refusing to connect to " + url.Origin() +
                                    ": not an allowed host (add it with --allow-host)");
  }
  return CheckHubTransport(url);
}

http::ClientRequest MakeRequest(const HubUrl& url, const HubTransport& transport,
                                const http::HeaderList& extra) {
  http::ClientRequest request{.method = "GET", .target = url.target, .host = url.HostHeader()};
  request.headers = extra;
  request.headers.emplace_back("User-Agent", "bastion");
  // Only the hub itself sees the token: CDN hosts get pre-signed URLs and need none.
  if (!transport.token.empty() && url.SameOrigin(transport.hub)) {
    request.headers.emplace_back("Authorization", "Bearer " + transport.token);
  }
  return request;
}

}  // namespace

http::Awaitable<Result<HubResponse>> OpenHubUrl(http::Executor executor, HubUrl url,
                                                const HubTransport& transport,
                                                http::HeaderList extra) {
  for (int hop = 0; hop <= kMaxHubRedirects; ++hop) {
    if (Status s = CheckHop(url, transport); !s.ok()) co_return s;
    const http::TlsClientContext* tls = url.scheme == "https" ? transport.tls : nullptr;
    if (url.scheme == "https" && tls == nullptr) co_return Status::Internal("no TLS context");
    auto connection = co_await http::ClientConnection::Connect(executor, url.host, url.port,
                                                               transport.connect_timeout, tls);
    if (!connection.ok()) co_return connection.status();
    Status sent =
        co_await (*connection)->Send(MakeRequest(url, transport, extra), transport.idle_timeout);
    if (!sent.ok()) co_return sent;
    auto head = co_await (*connection)->ReadHead(transport.idle_timeout);
    if (!head.ok()) co_return head.status();
    if (!IsRedirect(head->status)) {
      co_return HubResponse{std::move(*connection), std::move(*head), std::move(url)};
    }
    auto next = ResolveHubRedirect(url, head->location);
    if (!next.ok()) co_return next.status();
    url = std::move(*next);
  }
  co_return Status::Unavailable("more than " + std::to_string(kMaxHubRedirects) + " redirects");
}

http::Awaitable<Result<std::string>> ReadHubBody(HubResponse& response, size_t max_bytes,
                                                 Millis idle_timeout) {
  std::string body;
  while (true) {
    auto piece = co_await response.connection->ReadBody(idle_timeout);
    if (!piece.ok()) co_return piece.status();
    if (piece->empty()) co_return body;
    if (body.size() + piece->size() > max_bytes) {
      co_return Status::ResourceExhausted("answer from " + response.url.Origin() + " larger than " +
                                          std::to_string(max_bytes) + " bytes");
    }
    body.append(*piece);
  }
}

std::string HubErrorExcerpt(std::string_view body) {
  std::string text(body.substr(0, 4096));
  simdjson::dom::parser parser;
  std::string_view error;
  if (parser.parse(text).at_key("error").get(error) == simdjson::SUCCESS) text = error;
  if (text.size() > 200) text = text.substr(0, 200) + "…";
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return text;
}

}  // namespace bastion::model
