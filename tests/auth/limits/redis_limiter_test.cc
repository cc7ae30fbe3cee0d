// RedisLimiter beyond the shared conformance suite: one limit across gateways, failing closed
// while Redis is down, recovering when it returns. Each test runs its own redis-server.
#include "auth/limits/redis_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "auth/limits/fixed_window.h"
#include "auth/limits/limiter_factory.h"
#include "auth/limits/memory_limiter.h"
#include "auth/limits/redis_server.h"

namespace bastion::auth {
namespace {

constexpr int64_t kT0 = 20'000 * kDayMs + 10 * kMinuteMs;

class RedisLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::RedisServer::FindBinary().empty()) GTEST_SKIP() << "redis-server not found";
    Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  std::unique_ptr<RedisLimiter> Gateway(const std::string& url) {
    auto limiter = RedisLimiter::Connect(url);
    EXPECT_TRUE(limiter.ok()) << limiter.status().ToString();
    return limiter.ok() ? std::move(*limiter) : nullptr;
  }

  RedisValue Raw(std::vector<std::string_view> command) {
    auto connection = server_.Connect();
    EXPECT_TRUE(connection.ok());
    auto reply = (*connection)->Command(command);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : RedisValue{};
  }

  testing::RedisServer server_;
};

TEST_F(RedisLimiterTest, TwoGatewaysEnforceOneLimit) {
  auto a = Gateway(server_.url());
  auto b = Gateway(server_.unix_url());
  ASSERT_TRUE(a && b);
  const Limits limits{.requests_per_minute = 4, .concurrent = 2};
  int admitted = 0;
  for (int i = 0; i < 5; ++i) {
    admitted += a->Admit("key:shared", limits, 1, kT0).allowed;
    admitted += b->Admit("key:shared", limits, 1, kT0).allowed;
  }
  EXPECT_EQ(admitted, 2);                           // the concurrency slots ran out first
  a->Settle("key:shared", limits, 1, 1, kT0, kT0);  // a's Settle frees a slot for b
  EXPECT_TRUE(b->Admit("key:shared", limits, 1, kT0).allowed);
  EXPECT_EQ(a->Admit("key:shared", limits, 1, kT0).exceeded, "concurrent");
  b->Settle("key:shared", limits, 1, 1, kT0, kT0);
  EXPECT_TRUE(a->Admit("key:shared", limits, 1, kT0).allowed);  // the 4th request
  b->Settle("key:shared", limits, 1, 1, kT0, kT0);
  EXPECT_EQ(b->Admit("key:shared", limits, 1, kT0).exceeded, "requests");
}

TEST_F(RedisLimiterTest, KeysExpire) {
  auto limiter = Gateway(server_.url());
  ASSERT_TRUE(limiter);
  ASSERT_TRUE(limiter->Admit("key:a", Limits{}, 5, kT0).allowed);
  const std::string minute = "bastion:rl:{key:a}:m:" + std::to_string(MinuteIndex(kT0));
  const std::string day = "bastion:rl:{key:a}:d:" + std::to_string(DayIndex(kT0));
  const int64_t minute_ttl = Raw({"TTL", minute}).integer;
  EXPECT_GT(minute_ttl, 60);
  EXPECT_LE(minute_ttl, 120);
  EXPECT_GT(Raw({"TTL", day}).integer, 86'400);
  const int64_t in_flight_ttl = Raw({"TTL", "bastion:rl:{key:a}:c"}).integer;
  EXPECT_GT(in_flight_ttl, 0);
  EXPECT_LE(in_flight_ttl, 600);
  EXPECT_EQ(Raw({"HGET", minute, "tok"}).text, "5");
}

TEST_F(RedisLimiterTest, ReloadsScriptsAfterScriptFlush) {
  auto limiter = Gateway(server_.url());
  ASSERT_TRUE(limiter);
  const Limits limits{.requests_per_minute = 2};
  ASSERT_TRUE(limiter->Admit("key:a", limits, 0, kT0).allowed);
  Raw({"SCRIPT", "FLUSH"});
  EXPECT_TRUE(limiter->Admit("key:a", limits, 0, kT0).allowed);
  EXPECT_EQ(limiter->Admit("key:a", limits, 0, kT0).exceeded, "requests");
}

TEST_F(RedisLimiterTest, FailsClosedWhileDownAndRecoversWhenBack) {
  auto limiter = Gateway(server_.url());
  ASSERT_TRUE(limiter);
  const Limits limits{.requests_per_minute = 100};
  ASSERT_TRUE(limiter->Admit("key:a", limits, 0, kT0).allowed);
  server_.Stop();
  for (int i = 0; i < 3; ++i) {
    LimitDecision d = limiter->Admit("key:a", limits, 0, kT0);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.exceeded, "unavailable");
    EXPECT_EQ(d.retry_after_ms, RedisLimiter::kUnavailableRetryMs);
  }
  limiter->Settle("key:a", limits, 0, 0, kT0, kT0);  // dropped, not fatal
  EXPECT_FALSE(RedisLimiter::Connect(server_.url()).ok());

  Status restarted = server_.Start();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  bool recovered = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!recovered && std::chrono::steady_clock::now() < deadline) {
    recovered = limiter->Admit("key:a", limits, 0, kT0).allowed;
    if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(recovered);
}

TEST(RedisLimiterConnectTest, ExplainsWhenRedisIsDown) {
  testing::RedisServer never_started;
  auto limiter = RedisLimiter::Connect(never_started.url());
  ASSERT_FALSE(limiter.ok());
  EXPECT_EQ(limiter.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(limiter.status().message().find("cannot reach Redis at redis://127.0.0.1:"),
            std::string::npos)
      << limiter.status().message();
  EXPECT_FALSE(RedisLimiter::Connect("redis://:pw@host:notaport").ok());
}

TEST(RedisLimiterConnectTest, AuthenticatesWithThePasswordInTheUrl) {
  if (testing::RedisServer::FindBinary().empty()) GTEST_SKIP() << "redis-server not found";
  testing::RedisServer server({"--requirepass", "p@ss/word"});
  ASSERT_TRUE(server.Start().ok());
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  auto good = RedisLimiter::Connect("redis://:p%40ss%2Fword@" + host + "/3");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_TRUE((*good)->Admit("key:a", Limits{.requests_per_minute = 1}, 0, kT0).allowed);
  auto wrong = RedisLimiter::Connect("redis://:wrong-secret@" + host);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message().find("wrong-secret"), std::string::npos);
}

TEST(LimiterFactoryTest, EmptyUrlMeansInMemory) {
  auto limiter = MakeLimiter("");
  ASSERT_TRUE(limiter.ok());
  EXPECT_NE(dynamic_cast<MemoryLimiter*>(limiter->get()), nullptr);
  EXPECT_FALSE(MakeLimiter("http://localhost:6379").ok());
}

}  // namespace
}  // namespace bastion::auth
