#include "engine/sampling/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace bastion::engine {
namespace {

std::vector<float> Logits() { return {1.0f, 3.0f, 2.0f, 0.5f, 2.9f}; }

TokenId SampleOnce(SamplingParams p, std::vector<TokenId> history = {}) {
  Sampler s(p);
  auto logits = Logits();
  return s.Sample(logits, history).id;
}

TEST(SamplerTest, TemperatureZeroIsGreedy) {
  SamplingParams p;
  p.temperature = 0;
  EXPECT_EQ(SampleOnce(p), 1);
}

TEST(SamplerTest, SameSeedSameChoicesDifferentSeedDifferentOnes) {
  SamplingParams p;
  p.seed = 42;
  Sampler a(p), b(p);
  p.seed = 43;
  Sampler c(p);
  std::vector<TokenId> ra, rb, rc;
  for (int i = 0; i < 50; ++i) {
    auto l1 = Logits(), l2 = Logits(), l3 = Logits();
    ra.push_back(a.Sample(l1, {}).id);
    rb.push_back(b.Sample(l2, {}).id);
    rc.push_back(c.Sample(l3, {}).id);
  }
  EXPECT_EQ(ra, rb);
  EXPECT_NE(ra, rc);
}

TEST(SamplerTest, DrawsFollowTheSoftmax) {
  SamplingParams p;
  p.seed = 7;
  Sampler s(p);
  std::map<TokenId, int> counts;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    auto l = Logits();
    ++counts[s.Sample(l, {}).id];
  }
  double z = 0;
  for (float l : Logits()) z += std::exp(l);
  for (TokenId id = 0; id < 5; ++id) {
    double expected = std::exp(Logits()[id]) / z;
    EXPECT_NEAR(counts[id] / static_cast<double>(n), expected, 0.015) << "token " << id;
  }
}

TEST(SamplerTest, TopKTopPAndMinPNarrowTheChoice) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    SamplingParams p;
    p.seed = seed;
    p.top_k = 2;
    TokenId id = SampleOnce(p);
    EXPECT_TRUE(id == 1 || id == 4) << id;
    p.top_k = 0;
    p.top_p = 0.3f;  // the best token alone holds more than 30%
    EXPECT_EQ(SampleOnce(p), 1);
    p.top_p = 1;
    p.min_p = 0.5f;  // keeps tokens with p >= half the best's: 3.0 and 2.9 (and not 2.0)
    id = SampleOnce(p);
    EXPECT_TRUE(id == 1 || id == 4) << id;
  }
}

TEST(SamplerTest, MinPOverAWholeVocabulary) {
  std::vector<float> logits(5000, 0.0f);  // 5000 equally likely tokens
  logits[17] = 0.5f;
  SamplingParams p;
  p.min_p = 0.5f;  // all pass: e^-0.5 > 0.5
  Sampler s(p);
  std::map<TokenId, int> seen;
  for (int i = 0; i < 3000; ++i) {
    auto l = logits;
    ++seen[s.Sample(l, {}).id];
  }
  EXPECT_GT(seen.size(), 1500u) << "tokens beyond the sorted head must stay eligible";
}

TEST(SamplerTest, PenaltiesFollowOpenAiAndHfDefinitions) {
  SamplingParams p;
  p.temperature = 0;
  p.frequency_penalty = 0.6f;
  p.presence_penalty = 0.0f;
  Sampler s(p);
  auto l = Logits();
  EXPECT_EQ(s.Sample(l, std::vector<TokenId>{1}).id, 4);  // 3.0 - 0.6 < 2.9
  EXPECT_FLOAT_EQ(l[1], 2.4f);
  p.frequency_penalty = 0;
  p.presence_penalty = 1.0f;
  Sampler presence(p);
  l = Logits();
  presence.Sample(l, std::vector<TokenId>{1, 1, 1});
  EXPECT_FLOAT_EQ(l[1], 2.0f);  // once, however often it appeared
  p.presence_penalty = 0;
  p.repetition_penalty = 2.0f;
  Sampler repetition(p);
  l = {2.0f, -1.0f};
  repetition.Sample(l, std::vector<TokenId>{0, 1});
  EXPECT_FLOAT_EQ(l[0], 1.0f);   // positive logits are divided
  EXPECT_FLOAT_EQ(l[1], -2.0f);  // negative ones multiplied
}

TEST(SamplerTest, LogprobsAreOfTheModelsDistribution) {
  SamplingParams p;
  p.temperature = 0;
  p.top_logprobs = 3;
  Sampler s(p);
  auto l = Logits();
  auto t = s.Sample(l, {});
  double z = 0;
  for (float x : Logits()) z += std::exp(x);
  EXPECT_NEAR(t.logprob, 3.0 - std::log(z), 1e-5);
  ASSERT_EQ(t.top.size(), 3u);
  EXPECT_EQ(t.top[0].id, 1);
  EXPECT_EQ(t.top[1].id, 4);
  EXPECT_EQ(t.top[2].id, 2);
}

}  // namespace
}  // namespace bastion::engine
