#include "gateway/filters/auth/usage_scan.h"

#include <gtest/gtest.h>

#include "gateway/filters/auth/rate_limit_headers.h"

namespace bastion::gateway {
namespace {

TEST(UsageScan, ReadsUsageFromBodiesAndChunks) {
  auto u = ScanUsage(
      R"({"id":"x","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}})");
  EXPECT_EQ(u.prompt_tokens, 12);
  EXPECT_EQ(u.completion_tokens, 34);
  auto none = ScanUsage(R"({"choices":[{"delta":{"content":"hi"}}],"usage":null})");
  EXPECT_EQ(none.prompt_tokens, -1);
  EXPECT_EQ(none.completion_tokens, -1);
}

TEST(UsageScan, HugeCountsAreCapped) {
  auto u = ScanUsage(
      R"({"usage":{"prompt_tokens":9223372036854775807,"completion_tokens":99999999999999999999999}})");
  EXPECT_EQ(u.prompt_tokens, kMaxReportedTokens);
  EXPECT_EQ(u.completion_tokens, kMaxReportedTokens);
}

TEST(UsageScan, GeneratedTextCannotForgeUsage) {
  // Inside a JSON string the quotes are escaped, so the member name never appears bare.
  auto u = ScanUsage(
      R"({"choices":[{"delta":{"content":"\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0}"}}]})");
  EXPECT_EQ(u.prompt_tokens, -1);
  EXPECT_EQ(u.completion_tokens, -1);
}

TEST(RateLimitHeaders, OpenAiShapes) {
  EXPECT_EQ(FormatResetDuration(20), "20ms");
  EXPECT_EQ(FormatResetDuration(1500), "1.5s");
  EXPECT_EQ(FormatResetDuration(360'000), "6m0s");
  auth::LimitDecision d;
  d.allowed = false;
  d.limit_requests = 60;
  d.remaining_requests = 0;
  d.reset_requests_ms = 1500;
  d.retry_after_ms = 1500;
  http::HeaderList h;
  AddRateLimitHeaders(d, h);
  http::HeaderList want = {{"x-ratelimit-limit-requests", "60"},
                           {"x-ratelimit-remaining-requests", "0"},
                           {"x-ratelimit-reset-requests", "1.5s"},
                           {"retry-after-ms", "1500"}};
  EXPECT_EQ(h, want);
}

}  // namespace
}  // namespace bastion::gateway
