#include "engine/serving/generation.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace bastion::engine {
namespace {

TEST(GenerationTest, DecodeSecondsPerTokenSpansTheTokensAfterTheFirst) {
  Generation g([] {});
  EXPECT_EQ(g.DecodeSecondsPerToken(), 0);
  g.Append("a", SampledToken{});
  EXPECT_EQ(g.DecodeSecondsPerToken(), 0);  // the first token is the prefill's
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  g.Append("b", SampledToken{});
  g.Append("c", SampledToken{});
  double per_token = g.DecodeSecondsPerToken();
  EXPECT_GE(per_token, 0.010);  // at least 20 ms over two tokens
  EXPECT_LT(per_token, 5.0);
}

}  // namespace
}  // namespace bastion::engine
