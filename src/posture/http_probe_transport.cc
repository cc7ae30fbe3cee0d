// The ProbeTransport doctor uses: bastion's own HTTP client, one connection per request, run
// to completion on a private io_context.
#include <optional>

#include "http/asio.h"
#include "http/client.h"
#include "posture/url_probe.h"

namespace bastion::posture {
namespace {

constexpr size_t kMaxBody = 64 << 10;

class HttpProbeTransport : public ProbeTransport {
 public:
  HttpProbeTransport(Url url, std::shared_ptr<http::TlsClientContext> tls, Millis timeout)
      : url_(std::move(url)), tls_(std::move(tls)), timeout_(timeout) {}

  Result<ProbeResponse> Send(const std::string& method, const std::string& path,
                             const std::string& body) override {
    http::net::io_context io(1);
    std::optional<Result<ProbeResponse>> out;
    auto run = [&]() -> http::Awaitable<void> {
      out.emplace(co_await Exchange(io.get_executor(), Request(method, path, body)));
    };
    http::net::co_spawn(io, run, http::net::detached);
    io.run();
    if (!out) return Status::Internal("the probe did not finish");
    return std::move(*out);
  }

 private:
  http::ClientRequest Request(const std::string& method, const std::string& path,
                              const std::string& body) const {
    const std::string prefix = url_.path == "/" ? "" : url_.path;
    http::ClientRequest r{.method = method, .target = prefix + path, .host = url_.Authority()};
    r.headers.emplace_back("User-Agent", "bastion-doctor");
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    r.body = body;
    return r;
  }

  http::Awaitable<Result<ProbeResponse>> Exchange(http::Executor executor,
                                                  http::ClientRequest request) {
    auto connection = co_await http::ClientConnection::Connect(executor, url_.host, url_.port,
                                                               timeout_, tls_.get());
    if (!connection.ok()) co_return connection.status();
    if (Status st = co_await (*connection)->Send(request, timeout_); !st.ok()) co_return st;
    auto head = co_await (*connection)->ReadHead(timeout_);
    if (!head.ok()) co_return head.status();
    ProbeResponse response{head->status, head->server, head->powered_by, ""};
    while (response.body.size() < kMaxBody) {
      auto piece = co_await (*connection)->ReadBody(timeout_);
      if (!piece.ok() || piece->empty()) break;
      response.body.append(*piece);
    }
    co_return response;
  }

  Url url_;
  std::shared_ptr<http::TlsClientContext> tls_;
  Millis timeout_;
};

}  // namespace

Result<std::unique_ptr<ProbeTransport>> NewHttpProbeTransport(const Url& url,
                                                              const std::string& ca_file,
                                                              Millis timeout) {
  std::shared_ptr<http::TlsClientContext> tls;
  if (url.scheme == "https") {
    auto created = http::TlsClientContext::Create(ca_file);
    if (!created.ok()) return created.status();
    tls = std::move(*created);
  }
  return std::unique_ptr<ProbeTransport>(new HttpProbeTransport(url, std::move(tls), timeout));
}

}  // namespace bastion::posture
