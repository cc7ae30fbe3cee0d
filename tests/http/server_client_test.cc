// The HTTP server and client together, over loopback: limits, keep-alive, streaming.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "http/asio.h"
#include "http/client.h"
#include "http/server.h"

namespace bastion::http {
namespace {

// The rest of the current response's body; empty if reading fails.
Awaitable<std::string> ReadWholeBody(ClientConnection& conn) {
  std::string body;
  for (;;) {
    auto piece = co_await conn.ReadBody(Millis(1000));
    EXPECT_TRUE(piece.ok()) << piece.status().ToString();
    if (!piece.ok() || piece->empty()) co_return body;
    body.append(*piece);
  }
}

class ServerClientTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options) {
    options.listen = {"127.0.0.1", 0};
    options.threads = 2;
    server_ = std::make_unique<HttpServer>(std::move(options), [](Request& req, ResponseWriter& w)
                                                                    -> Awaitable<void> {
      if (req.Path() == "/stream") {
        co_await w.BeginStream(200, "text/event-stream", {});
        for (int i = 0; i < 3; ++i) co_await w.WriteChunk("data: " + std::to_string(i) + "\n\n");
        co_await w.EndStream();
        co_return;
      }
      Response r;
      r.content_type = "text/plain";
      r.headers.emplace_back("X-Echo-Method", req.method);
      r.body = "body=" + req.body;
      co_await w.Send(std::move(r));
    });
    ASSERT_TRUE(server_->Listen().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (server_) server_->Drain(Millis(2000));
    if (thread_.joinable()) thread_.join();
  }

  // Runs `fn` as a coroutine on a private io_context and waits for it.
  template <typename Fn>
  void RunClient(Fn fn) {
    net::io_context ctx;
    net::co_spawn(ctx, fn(ctx.get_executor()), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    ctx.run();
  }

  static std::string ReadUntilClosed(tcp::socket& s) {
    std::string out;
    error_code ec;
    char buf[4096];
    for (;;) {
      size_t n = s.read_some(net::buffer(buf), ec);
      if (ec) break;
      out.append(buf, n);
    }
    return out;
  }

  // Sends raw bytes and returns everything the server answers until it closes.
  std::string Raw(const std::string& bytes) {
    net::io_context ctx;
    tcp::socket s(ctx);
    s.connect({net::ip::make_address("127.0.0.1"), server_->port()});
    net::write(s, net::buffer(bytes));
    return ReadUntilClosed(s);
  }

  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(ServerClientTest, KeepAliveRequestsShareOneConnection) {
  Start(ServerOptions());
  RunClient([this](Executor ex) -> Awaitable<void> {
    auto conn = co_await ClientConnection::Connect(ex, "127.0.0.1", server_->port(), Millis(1000));
    EXPECT_TRUE(conn.ok());
    for (int i = 0; i < 3; ++i) {
      ClientRequest req{"POST", "/x", "127.0.0.1", {}, "n" + std::to_string(i)};
      EXPECT_TRUE((co_await (*conn)->Send(req, Millis(1000))).ok());
      auto head = co_await (*conn)->ReadHead(Millis(1000));
      EXPECT_TRUE(head.ok()) << head.status().ToString();
      if (!head.ok()) co_return;
      EXPECT_EQ(head->status, 200);
      std::string body = co_await ReadWholeBody(**conn);
      EXPECT_EQ(body, "body=n" + std::to_string(i));
      EXPECT_TRUE((*conn)->reusable());
    }
  });
}

TEST_F(ServerClientTest, StreamsChunks) {
  Start(ServerOptions());
  RunClient([this](Executor ex) -> Awaitable<void> {
    auto conn = co_await ClientConnection::Connect(ex, "127.0.0.1", server_->port(), Millis(1000));
    ClientRequest req{"GET", "/stream", "127.0.0.1", {}, ""};
    EXPECT_TRUE((co_await (*conn)->Send(req, Millis(1000))).ok());
    auto head = co_await (*conn)->ReadHead(Millis(1000));
    EXPECT_EQ(head->content_type, "text/event-stream");
    std::string body = co_await ReadWholeBody(**conn);
    EXPECT_EQ(body, "data: 0\n\ndata: 1\n\ndata: 2\n\n");
  });
}

TEST_F(ServerClientTest, OversizedBodyGets413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  Start(o);
  std::string reply = Raw("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n" +
                          std::string(5000, 'a'));
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
}

TEST_F(ServerClientTest, OversizedChunkedBodyGets413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  Start(o);
  std::string reply = Raw("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "800\r\n" + std::string(2048, 'a') + "\r\n0\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
}

TEST_F(ServerClientTest, HugeHeadersGet431) {
  ServerOptions o;
  o.max_header_bytes = 2048;
  Start(o);
  std::string reply = Raw("GET /x HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(4096, 'b') +
                          "\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply;
}

TEST_F(ServerClientTest, GarbageGets400AndServerKeepsServing) {
  Start(ServerOptions());
  std::string reply = Raw("\x16\x03\x01 not http at all\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  std::string ok = Raw("GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
}

TEST_F(ServerClientTest, SlowHeadersTimeOut) {
  ServerOptions o;
  o.header_timeout = Millis(300);
  Start(o);
  net::io_context ctx;
  tcp::socket s(ctx);
  s.connect({net::ip::make_address("127.0.0.1"), server_->port()});
  net::write(s, net::buffer(std::string("GET /x HTTP/1.1\r\n")));
  auto start = std::chrono::steady_clock::now();
  std::string out = ReadUntilClosed(s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(out, "");  // closed without an answer, as nginx does
}

TEST_F(ServerClientTest, ConnectionCapAnswers503) {
  ServerOptions o;
  o.max_connections = 1;
  Start(o);
  net::io_context ctx;
  tcp::socket first(ctx);
  first.connect({net::ip::make_address("127.0.0.1"), server_->port()});
  net::write(first, net::buffer(std::string("GET /x HTTP/1.1\r\nHost: h\r\n\r\n")));
  char buf[512];
  first.read_some(net::buffer(buf));  // the first connection is established and served
  std::string reply = Raw("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 503", 0), 0u) << reply;
}

// A self-signed certificate for IP 127.0.0.1 only, made with the openssl CLI.
std::string MakeCertificate() {
  std::string dir = ::testing::TempDir() + "bastion-tls-" + std::to_string(::getpid());
  std::string cmd = "mkdir -p " + dir + " && openssl req -x509 -newkey ec -pkeyopt "
                    "ec_paramgen_curve:prime256v1 -nodes -subj /CN=bastion-test -addext "
                    "subjectAltName=IP:127.0.0.1 -days 1 -keyout " + dir + "/key.pem -out " +
                    dir + "/cert.pem 2>/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return dir;
}

TEST_F(ServerClientTest, TlsRoundTripVerifiesThePeer) {
  std::string dir = MakeCertificate();
  ServerOptions o;
  o.tls_cert_file = dir + "/cert.pem";
  o.tls_key_file = dir + "/key.pem";
  Start(o);
  auto trusted = TlsClientContext::Create(dir + "/cert.pem");
  ASSERT_TRUE(trusted.ok());
  auto system = TlsClientContext::Create("");
  ASSERT_TRUE(system.ok());
  RunClient([&](Executor ex) -> Awaitable<void> {
    uint16_t port = server_->port();
    auto conn = co_await ClientConnection::Connect(ex, "127.0.0.1", port, Millis(2000),
                                                   trusted->get());
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) co_return;
    ClientRequest req{"POST", "/x", "127.0.0.1", {}, "over-tls"};
    EXPECT_TRUE((co_await (*conn)->Send(req, Millis(1000))).ok());
    auto head = co_await (*conn)->ReadHead(Millis(1000));
    EXPECT_TRUE(head.ok() && head->status == 200);
    std::string body = co_await ReadWholeBody(**conn);
    EXPECT_EQ(body, "body=over-tls");
    // An unknown issuer, and a name the certificate does not cover, are both refused.
    auto untrusted = co_await ClientConnection::Connect(ex, "127.0.0.1", port, Millis(2000),
                                                        system->get());
    EXPECT_FALSE(untrusted.ok());
    auto wrong_name = co_await ClientConnection::Connect(ex, "localhost", port, Millis(2000),
                                                         trusted->get());
    EXPECT_FALSE(wrong_name.ok());
  });
}

TEST_F(ServerClientTest, ConnectToClosedPortFailsCleanly) {
  RunClient([](Executor ex) -> Awaitable<void> {
    tcp::acceptor a(ex, {net::ip::make_address("127.0.0.1"), 0});
    uint16_t port = a.local_endpoint().port();
    a.close();
    auto conn = co_await ClientConnection::Connect(ex, "127.0.0.1", port, Millis(1000));
    EXPECT_FALSE(conn.ok());
    EXPECT_EQ(conn.status().code(), StatusCode::kUnavailable);
  });
}

}  // namespace
}  // namespace bastion::http
