#include "auth/jwt/jwks_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "auth/jwt/jwk.h"
#include "auth/jwt/jwks_fetch.h"
#include "common/temp_dir.h"
#include "http/server.h"
#include "jwt_test_tokens.h"

namespace bastion::auth::testing {
namespace {

constexpr Millis kHour{3600 * 1000};

std::string KidOf(const JwksSource& source) { return source.Current()->keys().at(0).kid; }

// Polls `done` for up to five seconds: the refresh thread runs on its own schedule.
template <typename Fn>
bool Eventually(Fn done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(Millis(10));
  }
  return done();
}

class JwksSourceTest : public ::testing::Test {
 protected:
  JwksSourceOptions FileOptions() const {
    return {.location = (dir_ / "jwks.json").string(), .refresh_interval = kHour};
  }
  void WriteSet(std::string_view kid) const {
    dir_.Write("jwks.json", JwksOf({SharedTestKeys().ed.Jwk(kid)}));
  }

  bastion::testing::TempDir dir_{"bastion_jwks_source_"};
};

TEST_F(JwksSourceTest, LoadsAFile) {
  WriteSet("a");
  auto source = JwksSource::Open(FileOptions());
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ(KidOf(**source), "a");
}

TEST_F(JwksSourceTest, FailsToStartWithoutAUsableSet) {
  EXPECT_EQ(JwksSource::Open(FileOptions()).status().code(), StatusCode::kNotFound);
  dir_.Write("jwks.json", R"({"keys":[]})");
  auto empty = JwksSource::Open(FileOptions());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("no usable key"), std::string::npos);
  dir_.Write("jwks.json", std::string(70 << 10, ' '));
  EXPECT_FALSE(JwksSource::Open(FileOptions()).ok());
}

TEST_F(JwksSourceTest, ReloadReplacesTheSetAndKeepsItOnFailure) {
  WriteSet("a");
  auto source = JwksSource::Open(FileOptions());
  ASSERT_TRUE(source.ok());
  std::shared_ptr<const Jwks> held = (*source)->Current();
  WriteSet("b");
  EXPECT_TRUE((*source)->Reload().ok());
  EXPECT_EQ(KidOf(**source), "b");
  EXPECT_EQ(held->keys().at(0).kid, "a");  // a holder's set outlives the reload
  dir_.Write("jwks.json", "{not json");
  EXPECT_FALSE((*source)->Reload().ok());
  EXPECT_EQ(KidOf(**source), "b");
  std::filesystem::remove(dir_ / "jwks.json");
  EXPECT_FALSE((*source)->Reload().ok());
  EXPECT_EQ(KidOf(**source), "b");
}

TEST_F(JwksSourceTest, RefreshesOnItsInterval) {
  WriteSet("a");
  JwksSourceOptions options = FileOptions();
  options.refresh_interval = Millis(20);
  auto source = JwksSource::Open(options);
  ASSERT_TRUE(source.ok());
  WriteSet("b");
  EXPECT_TRUE(Eventually([&] { return KidOf(**source) == "b"; }));
}

TEST_F(JwksSourceTest, AnUnknownKidRefreshesEarly) {
  WriteSet("a");
  JwksSourceOptions options = FileOptions();
  options.min_refresh_interval = Millis(0);
  auto source = JwksSource::Open(options);
  ASSERT_TRUE(source.ok());
  const JwtPolicy policy;
  const std::string token = SignToken(SharedTestKeys().ed, Header("EdDSA", "b"), Claims());
  auto first = (*source)->Verify(token, policy, kNow);
  ASSERT_FALSE(first.ok());
  EXPECT_TRUE(IsUnknownKeyIdError(first.status()));
  WriteSet("b");
  EXPECT_TRUE(Eventually([&] { return (*source)->Verify(token, policy, kNow).ok(); }));
}

TEST_F(JwksSourceTest, EarlyRefreshesAreRateLimited) {
  std::atomic<int> loads = 0;
  auto loader = [&]() -> Result<std::string> {
    ++loads;
    return JwksOf({SharedTestKeys().ed.Jwk("a")});
  };
  auto limited =
      JwksSource::Start(loader, {.refresh_interval = kHour, .min_refresh_interval = kHour});
  ASSERT_TRUE(limited.ok());
  for (int i = 0; i < 10; ++i) (*limited)->RequestRefresh();
  std::this_thread::sleep_for(Millis(100));
  EXPECT_EQ(loads.load(), 1);
  limited->reset();

  auto eager =
      JwksSource::Start(loader, {.refresh_interval = kHour, .min_refresh_interval = Millis(0)});
  ASSERT_TRUE(eager.ok());
  (*eager)->RequestRefresh();
  EXPECT_TRUE(Eventually([&] { return loads.load() >= 3; }));
}

TEST_F(JwksSourceTest, StopsPromptlyWhileWaiting) {
  WriteSet("a");
  const auto start = std::chrono::steady_clock::now();
  {
    auto source = JwksSource::Open(FileOptions());
    ASSERT_TRUE(source.ok());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// A loopback HTTP server answering GET /jwks.json with `body`, 404 otherwise.
class JwksServer {
 public:
  explicit JwksServer(std::string body) {
    http::ServerOptions options;
    options.listen = {"127.0.0.1", 0};
    options.threads = 1;
    server_ = std::make_unique<http::HttpServer>(
        std::move(options),
        [body = std::move(body)](http::Request& request,
                                 http::ResponseWriter& writer) -> http::Awaitable<void> {
          http::Response response;
          if (request.Path() == "/jwks.json") {
            response.body = body;
          } else {
            response.status = 404;
          }
          co_await writer.Send(std::move(response));
        });
    EXPECT_TRUE(server_->Listen().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~JwksServer() {
    server_->Drain(Millis(2000));
    thread_.join();
  }
  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path);
  }

 private:
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
};

TEST(JwksUrlSourceTest, FetchesFromALoopbackUrl) {
  JwksServer server(JwksOf({SharedTestKeys().ec.Jwk("served")}));
  auto source = JwksSource::Open({.location = server.Url("/jwks.json"), .refresh_interval = kHour});
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ(KidOf(**source), "served");
  EXPECT_TRUE((*source)->Reload().ok());

  auto missing = JwksSource::Open({.location = server.Url("/missing"), .refresh_interval = kHour});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("HTTP 404"), std::string::npos);
}

TEST(JwksUrlSourceTest, RefusesPlainHttpBeyondLoopback) {
  auto fetched =
      FetchJwksUrl(Url{.scheme = "http", .host = "idp.example.com", .port = 80, .path = "/jwks"},
                   nullptr, Millis(100));
  EXPECT_EQ(fetched.status().code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(JwksSource::Open({.location = "http://idp.example.com/jwks"}).ok());
}

TEST(JwksUrlSourceTest, ReportsAnUnreachableServer) {
  // Port 1 on loopback: nothing listens there.
  auto source =
      JwksSource::Open({.location = "http://127.0.0.1:1/jwks.json", .fetch_timeout = Millis(2000)});
  ASSERT_FALSE(source.ok());
}

}  // namespace
}  // namespace bastion::auth::testing
