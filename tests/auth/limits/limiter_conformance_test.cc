// One suite, both stores: MemoryLimiter and RedisLimiter must decide alike. The clock is the
// now_ms each call is given, so windows are driven by hand. The Redis runs skip when
// redis-server is not installed.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "auth/limits/fixed_window.h"
#include "auth/limits/memory_limiter.h"
#include "auth/limits/redis_limiter.h"
#include "auth/limits/redis_server.h"

namespace bastion::auth {
namespace {

// 2024-10-04 00:10:05 UTC: 5 s into a minute, 10 minutes into a day.
constexpr int64_t kDayStart = 20'000 * kDayMs;
constexpr int64_t kT0 = kDayStart + 10 * kMinuteMs + 5'000;
constexpr int64_t kUntilNextMinute = 55'000;

// One redis-server for the whole suite, flushed before each test; stopped at exit.
testing::RedisServer* SharedRedis() {
  static testing::RedisServer server;
  static const bool started = server.Start().ok();
  return started ? &server : nullptr;
}

class LimiterConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      limiter_ = std::make_unique<MemoryLimiter>();
      return;
    }
    if (testing::RedisServer::FindBinary().empty()) GTEST_SKIP() << "redis-server not found";
    testing::RedisServer* server = SharedRedis();
    ASSERT_NE(server, nullptr) << "redis-server did not start";
    auto connection = server->Connect();
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    const std::string_view flush[] = {"FLUSHALL"};
    ASSERT_TRUE((*connection)->Command(flush).ok());
    auto limiter = RedisLimiter::Connect(server->url());
    ASSERT_TRUE(limiter.ok()) << limiter.status().ToString();
    limiter_ = std::move(*limiter);
  }

  LimitDecision Admit(std::string_view subject, const Limits& limits, int64_t tokens,
                      int64_t now_ms) {
    return limiter_->Admit(subject, limits, tokens, now_ms);
  }

  std::unique_ptr<Limiter> limiter_;
};

TEST_P(LimiterConformanceTest, RequestsPerMinuteRefusesTheNextAndResetsNextMinute) {
  const Limits limits{.requests_per_minute = 3};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Admit("key:a", limits, 10, kT0 + i).allowed) << i;
  LimitDecision refused = Admit("key:a", limits, 10, kT0 + 3);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.exceeded, "requests");
  EXPECT_EQ(refused.retry_after_ms, kUntilNextMinute - 3);
  EXPECT_EQ(refused.remaining_requests, 0);
  EXPECT_FALSE(Admit("key:a", limits, 10, kT0 + kUntilNextMinute - 1).allowed);
  LimitDecision next = Admit("key:a", limits, 10, kT0 + kUntilNextMinute);
  EXPECT_TRUE(next.allowed);
  EXPECT_EQ(next.remaining_requests, 2);
}

TEST_P(LimiterConformanceTest, TokensPerMinuteReserveThenSettle) {
  const Limits limits{.tokens_per_minute = 1000};
  LimitDecision first = Admit("key:a", limits, 600, kT0);
  ASSERT_TRUE(first.allowed);
  EXPECT_EQ(first.remaining_tokens, 400);
  LimitDecision refused = Admit("key:a", limits, 500, kT0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.exceeded, "tokens");
  EXPECT_EQ(refused.retry_after_ms, kUntilNextMinute);
  limiter_->Settle("key:a", limits, 600, 100, kT0, kT0 + 1);  // used less: frees 500
  LimitDecision second = Admit("key:a", limits, 500, kT0 + 2);
  ASSERT_TRUE(second.allowed);
  EXPECT_EQ(second.remaining_tokens, 400);
  limiter_->Settle("key:a", limits, 500, 800, kT0 + 2, kT0 + 3);  // used more: takes 300
  EXPECT_FALSE(Admit("key:a", limits, 200, kT0 + 4).allowed);
  LimitDecision last = Admit("key:a", limits, 100, kT0 + 4);
  EXPECT_TRUE(last.allowed);
  EXPECT_EQ(last.remaining_tokens, 0);
}

TEST_P(LimiterConformanceTest, EstimateAboveTokensPerMinuteNeverPasses) {
  const Limits limits{.tokens_per_minute = 100};
  for (int64_t t : {kT0, kT0 + kUntilNextMinute, kT0 + kDayMs}) {
    LimitDecision refused = Admit("key:a", limits, 101, t);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.exceeded, "tokens");
  }
  EXPECT_TRUE(Admit("key:a", limits, 100, kT0).allowed);
}

TEST_P(LimiterConformanceTest, SettleNeverTakesCountersBelowZero) {
  const Limits limits{.tokens_per_minute = 100, .daily_tokens = 150};
  ASSERT_TRUE(Admit("key:a", limits, 50, kT0).allowed);
  limiter_->Settle("key:a", limits, 1'000, 0, kT0, kT0);  // a bogus reservation
  limiter_->Settle("key:a", limits, 0, 0, kT0, kT0);      // and a second Settle
  LimitDecision d = Admit("key:a", limits, 100, kT0);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining_tokens, 0);
  EXPECT_EQ(Admit("key:a", limits, 51, kT0 + kUntilNextMinute).exceeded, "daily_tokens");
}

TEST_P(LimiterConformanceTest, SettleAfterTheMinuteClosedLeavesTheNewMinuteAlone) {
  const Limits limits{.tokens_per_minute = 1000, .daily_tokens = 3000};
  ASSERT_TRUE(Admit("key:a", limits, 900, kT0).allowed);
  const int64_t t1 = kT0 + kUntilNextMinute;
  ASSERT_TRUE(Admit("key:a", limits, 900, t1).allowed);
  limiter_->Settle("key:a", limits, 900, 0, kT0, t1);  // the minute is gone; the day is not
  EXPECT_EQ(Admit("key:a", limits, 200, t1).exceeded, "tokens");
  // The day got its 900 back (900 used, not 1800), or the second 1000 would not fit.
  EXPECT_TRUE(Admit("key:a", limits, 1000, t1 + kMinuteMs).allowed);
  EXPECT_TRUE(Admit("key:a", limits, 1000, t1 + 2 * kMinuteMs).allowed);
  EXPECT_EQ(Admit("key:a", limits, 101, t1 + 3 * kMinuteMs).exceeded, "daily_tokens");
}

TEST_P(LimiterConformanceTest, DailyBudgetSpansMinutesAndResetsAtUtcMidnight) {
  const Limits limits{.daily_tokens = 1000};
  EXPECT_TRUE(Admit("key:a", limits, 400, kT0).allowed);
  EXPECT_TRUE(Admit("key:a", limits, 400, kT0 + kMinuteMs).allowed);
  const int64_t later = kT0 + 2 * kMinuteMs;
  LimitDecision refused = Admit("key:a", limits, 400, later);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.exceeded, "daily_tokens");
  EXPECT_EQ(refused.retry_after_ms, kDayStart + kDayMs - later);
  EXPECT_TRUE(Admit("key:a", limits, 200, later).allowed);
  EXPECT_FALSE(Admit("key:a", limits, 1, kDayStart + kDayMs - 1).allowed);
  EXPECT_TRUE(Admit("key:a", limits, 1000, kDayStart + kDayMs).allowed);
}

TEST_P(LimiterConformanceTest, ConcurrentLimitReleasedBySettle) {
  const Limits limits{.concurrent = 2};
  EXPECT_TRUE(Admit("key:a", limits, 10, kT0).allowed);
  EXPECT_TRUE(Admit("key:a", limits, 10, kT0).allowed);
  LimitDecision refused = Admit("key:a", limits, 10, kT0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.exceeded, "concurrent");
  EXPECT_EQ(refused.retry_after_ms, kConcurrentRetryMs);
  limiter_->Settle("key:a", limits, 10, 10, kT0, kT0 + 1);
  EXPECT_TRUE(Admit("key:a", limits, 10, kT0 + 2).allowed);
  EXPECT_FALSE(Admit("key:a", limits, 10, kT0 + 2).allowed);
  // Slots outlive windows: a new minute does not free them.
  EXPECT_FALSE(Admit("key:a", limits, 10, kT0 + kUntilNextMinute).allowed);
}

TEST_P(LimiterConformanceTest, UnsetLimitsNeverRefuse) {
  const Limits unlimited;
  for (int i = 0; i < 200; ++i) {
    LimitDecision d = Admit("key:a", unlimited, kMaxTokens, kT0);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.limit_requests, -1);
    EXPECT_EQ(d.remaining_requests, -1);
    EXPECT_EQ(d.limit_tokens, -1);
    EXPECT_EQ(d.remaining_tokens, -1);
  }
}

TEST_P(LimiterConformanceTest, RefusalByOneLimitConsumesNoOther) {
  const Limits limits{.requests_per_minute = 10, .tokens_per_minute = 100, .concurrent = 3};
  EXPECT_EQ(Admit("key:a", limits, 200, kT0).exceeded, "tokens");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Admit("key:a", limits, 10, kT0).allowed);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Admit("key:a", limits, 10, kT0).exceeded, "concurrent");
  LimitDecision d = Admit("key:a", limits, 1000, kT0);
  EXPECT_EQ(d.exceeded, "tokens");
  EXPECT_EQ(d.remaining_requests, 7);  // only the three admitted counted
  EXPECT_EQ(d.remaining_tokens, 70);
  const Limits daily{.requests_per_minute = 10, .daily_tokens = 50};
  EXPECT_EQ(Admit("key:b", daily, 60, kT0).exceeded, "daily_tokens");
  EXPECT_EQ(Admit("key:b", daily, 50, kT0).remaining_requests, 9);
}

TEST_P(LimiterConformanceTest, HeaderFields) {
  const Limits limits{.requests_per_minute = 10, .tokens_per_minute = 1000};
  LimitDecision d = Admit("key:a", limits, 100, kT0);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.exceeded, "");
  EXPECT_EQ(d.retry_after_ms, 0);
  EXPECT_EQ(d.limit_requests, 10);
  EXPECT_EQ(d.remaining_requests, 9);
  EXPECT_EQ(d.reset_requests_ms, kUntilNextMinute);
  EXPECT_EQ(d.limit_tokens, 1000);
  EXPECT_EQ(d.remaining_tokens, 900);
  EXPECT_EQ(d.reset_tokens_ms, kUntilNextMinute);
  LimitDecision only_requests = Admit("key:b", Limits{.requests_per_minute = 5}, 100, kT0 + 999);
  EXPECT_EQ(only_requests.remaining_requests, 4);
  EXPECT_EQ(only_requests.reset_requests_ms, kUntilNextMinute - 999);
  EXPECT_EQ(only_requests.limit_tokens, -1);
  EXPECT_EQ(only_requests.remaining_tokens, -1);
}

TEST_P(LimiterConformanceTest, SubjectsAreIsolated) {
  const Limits limits{.requests_per_minute = 1, .concurrent = 1};
  EXPECT_TRUE(Admit("key:a", limits, 1, kT0).allowed);
  EXPECT_FALSE(Admit("key:a", limits, 1, kT0).allowed);
  EXPECT_TRUE(Admit("key:b", limits, 1, kT0).allowed);
  EXPECT_TRUE(Admit("jwt:a", limits, 1, kT0).allowed);
}

TEST_P(LimiterConformanceTest, HostileSubjectsWorkAndStayIsolated) {
  const std::vector<std::string> subjects = {"'; DROP TABLE keys; --",
                                             "{}",
                                             "{",
                                             "}",
                                             "*",
                                             "a\nb",
                                             "\r\n",
                                             "%41",
                                             "A",
                                             "",
                                             std::string("nul\0byte", 8),
                                             "nul",
                                             std::string(1024, 'x'),
                                             std::string(1025, 'x'),
                                             "bastion:rl:{key:a}:c",
                                             "key:a}:c",
                                             "key:a",
                                             "\xff\xfe",
                                             "a b",
                                             "?",
                                             "%"};
  const Limits limits{.requests_per_minute = 1, .tokens_per_minute = 10};
  for (const std::string& s : subjects) {
    EXPECT_TRUE(Admit(s, limits, 10, kT0).allowed) << "first request of '" << s << "'";
  }
  for (const std::string& s : subjects) {
    LimitDecision d = Admit(s, limits, 0, kT0);
    EXPECT_EQ(d.exceeded, "requests") << s;
    EXPECT_EQ(d.remaining_tokens, 0) << s;
  }
}

// All-or-nothing under contention: four threads race for one subject's 1000 requests.
TEST_P(LimiterConformanceTest, ConcurrentAdmitsCountExactly) {
  const Limits limits{.requests_per_minute = 1000};
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        if (limiter_->Admit("key:hot", limits, 1, kT0 + t + i).allowed) ++admitted;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 1000);
}

INSTANTIATE_TEST_SUITE_P(Stores, LimiterConformanceTest, ::testing::Values("memory", "redis"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bastion::auth
