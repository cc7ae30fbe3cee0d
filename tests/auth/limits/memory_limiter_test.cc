// MemoryLimiter beyond the shared conformance suite: forgetting idle subjects.
#include "auth/limits/memory_limiter.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/limits/fixed_window.h"

namespace bastion::auth {
namespace {

constexpr int64_t kT0 = 20'000 * kDayMs + 10 * kMinuteMs;
constexpr int kSubjects = 2'000;  // enough that every one of the 64 shards sees the next minute

TEST(MemoryLimiterTest, ForgetsIdleSubjectsButNotThoseInFlightOrWithDailyUsage) {
  MemoryLimiter limiter;
  const Limits per_minute{.requests_per_minute = 5};
  const Limits daily{.daily_tokens = 1'000};
  for (int i = 0; i < kSubjects; ++i) {
    const std::string subject = "key:old" + std::to_string(i);
    ASSERT_TRUE(limiter.Admit(subject, per_minute, 10, kT0).allowed);
    limiter.Settle(subject, per_minute, 10, 10, kT0, kT0);
  }
  ASSERT_TRUE(limiter.Admit("key:in-flight", per_minute, 10, kT0).allowed);
  ASSERT_TRUE(limiter.Admit("key:daily", daily, 10, kT0).allowed);
  limiter.Settle("key:daily", daily, 10, 10, kT0, kT0);
  EXPECT_EQ(limiter.TrackedSubjects(), kSubjects + 2u);

  for (int i = 0; i < kSubjects; ++i) {
    limiter.Admit("key:new" + std::to_string(i), per_minute, 10, kT0 + kMinuteMs);
  }
  EXPECT_EQ(limiter.TrackedSubjects(), kSubjects + 2u);  // the old ones made room

  // The slot is still taken and the day's usage still counts.
  EXPECT_EQ(limiter.Admit("key:in-flight", Limits{.concurrent = 1}, 0, kT0 + kMinuteMs).exceeded,
            "concurrent");
  EXPECT_EQ(limiter.Admit("key:daily", daily, 991, kT0 + kMinuteMs).exceeded, "daily_tokens");
}

TEST(MemoryLimiterTest, SettleForAnUnknownSubjectIsHarmless) {
  MemoryLimiter limiter;
  limiter.Settle("key:never", Limits{}, 10, 20, kT0, kT0);
  EXPECT_EQ(limiter.TrackedSubjects(), 0u);
}

TEST(MemoryLimiterTest, AClockALittleBehindDoesNotWipeTheNewerWindow) {
  MemoryLimiter limiter;
  const Limits limits{.requests_per_minute = 2};
  const int64_t edge = kT0 + kMinuteMs;
  ASSERT_TRUE(limiter.Admit("key:a", limits, 0, edge).allowed);
  ASSERT_TRUE(limiter.Admit("key:a", limits, 0, edge - 1).allowed);  // counts into the newer
  EXPECT_FALSE(limiter.Admit("key:a", limits, 0, edge + 1).allowed);
}

}  // namespace
}  // namespace bastion::auth
