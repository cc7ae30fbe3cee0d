#include "auth/failure_backoff.h"

#include <gtest/gtest.h>

namespace bastion::auth {
namespace {

TEST(FailureBackoff, WaitsOnlyAfterTheThresholdAndDoubles) {
  FailureBackoff b(3);
  int64_t t = 1'000'000;
  b.RecordFailure("10.0.0.1", t);
  b.RecordFailure("10.0.0.1", t);
  EXPECT_EQ(b.RetryAfterMs("10.0.0.1", t), 0);
  b.RecordFailure("10.0.0.1", t);
  EXPECT_EQ(b.RetryAfterMs("10.0.0.1", t), 1000);
  b.RecordFailure("10.0.0.1", t);
  EXPECT_EQ(b.RetryAfterMs("10.0.0.1", t), 2000);
  EXPECT_EQ(b.RetryAfterMs("10.0.0.1", t + 2000), 0);
  EXPECT_EQ(b.RetryAfterMs("10.0.0.2", t), 0);  // other addresses are not affected
  for (int i = 0; i < 20; ++i) b.RecordFailure("10.0.0.1", t);
  EXPECT_EQ(b.RetryAfterMs("10.0.0.1", t), 60'000);  // capped
}

TEST(FailureBackoff, ForgetsAfterAQuietMinute) {
  FailureBackoff b(2);
  b.RecordFailure("a", 0);
  b.RecordFailure("a", 0);
  EXPECT_GT(b.RetryAfterMs("a", 0), 0);
  b.RecordFailure("a", 61'000);
  EXPECT_EQ(b.RetryAfterMs("a", 61'000), 0);
}

TEST(FailureBackoff, MemoryIsBounded) {
  FailureBackoff b(1, 100);
  for (int i = 0; i < 10'000; ++i) b.RecordFailure("addr" + std::to_string(i), i);
  // The newest address is still tracked, and the table never grew past its bound.
  EXPECT_GT(b.RetryAfterMs("addr9999", 9999), 0);
}

}  // namespace
}  // namespace bastion::auth
