#include "gateway/upstream/upstream_set.h"

#include <gtest/gtest.h>

namespace bastion::gateway {
namespace {

ModelConfig ThreeUpstreams() {
  ModelConfig m;
  m.name = "m";
  for (int port : {1001, 1002, 1003}) {
    m.upstreams.push_back({"http://127.0.0.1:" + std::to_string(port) + "/v1", "", "", ""});
  }
  return m;
}

TEST(UpstreamSetTest, PicksLeastOutstanding) {
  MetricsRegistry metrics;
  auto created = UpstreamSet::Create(ThreeUpstreams(), UpstreamPolicy(), 1, metrics);
  ASSERT_TRUE(created.ok());
  UpstreamSet& set = **created;
  auto& u = set.upstreams();
  u[0]->outstanding = 5;
  u[1]->outstanding = 1;
  u[2]->outstanding = 3;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(set.Pick({}), u[1].get());
  EXPECT_EQ(set.Pick({u[1].get()}), u[2].get());
  EXPECT_EQ(set.Pick({u[0].get(), u[1].get(), u[2].get()}), nullptr);
}

TEST(UpstreamSetTest, TiesRotate) {
  MetricsRegistry metrics;
  auto created = UpstreamSet::Create(ThreeUpstreams(), UpstreamPolicy(), 1, metrics);
  ASSERT_TRUE(created.ok());
  UpstreamSet& set = **created;
  std::set<Upstream*> seen;
  for (int i = 0; i < 6; ++i) seen.insert(set.Pick({}));
  EXPECT_EQ(seen.size(), 3u);
}

TEST(UpstreamSetTest, HealthThresholds) {
  MetricsRegistry metrics;
  UpstreamPolicy policy;
  policy.unhealthy_threshold = 2;
  policy.healthy_threshold = 2;
  auto created = UpstreamSet::Create(ThreeUpstreams(), policy, 1, metrics);
  ASSERT_TRUE(created.ok());
  UpstreamSet& set = **created;
  Upstream& u0 = *set.upstreams()[0];
  set.ReportFailure(u0, "x");
  EXPECT_TRUE(u0.healthy);
  set.ReportFailure(u0, "x");
  EXPECT_FALSE(u0.healthy);
  EXPECT_EQ(u0.healthy_gauge->value(), 0);
  for (int i = 0; i < 20; ++i) EXPECT_NE(set.Pick({}), &u0);
  set.ReportSuccess(u0);
  EXPECT_FALSE(u0.healthy);
  set.ReportSuccess(u0);
  EXPECT_TRUE(u0.healthy);
  EXPECT_EQ(u0.healthy_gauge->value(), 1);
}

TEST(UpstreamSetTest, NoHealthyUpstreams) {
  MetricsRegistry metrics;
  UpstreamPolicy policy;
  policy.unhealthy_threshold = 1;
  auto created = UpstreamSet::Create(ThreeUpstreams(), policy, 1, metrics);
  ASSERT_TRUE(created.ok());
  UpstreamSet& set = **created;
  EXPECT_TRUE(set.AnyHealthy());
  for (auto& u : set.upstreams()) set.ReportFailure(*u, "down");
  EXPECT_FALSE(set.AnyHealthy());
  EXPECT_EQ(set.Pick({}), nullptr);
}

TEST(UpstreamSetTest, HttpsUpstreamsGetTlsAndBadCaFilesFail) {
  MetricsRegistry metrics;
  ModelConfig m;
  m.name = "m";
  m.upstreams.push_back({"https://127.0.0.1:1/v1", "", "", ""});
  auto ok = UpstreamSet::Create(m, UpstreamPolicy(), 1, metrics);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_NE((*ok)->upstreams()[0]->tls, nullptr);
  m.upstreams[0].ca_file = "/nonexistent/ca.pem";
  auto bad = UpstreamSet::Create(m, UpstreamPolicy(), 1, metrics);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("/nonexistent/ca.pem"), std::string::npos);
}

TEST(UpstreamSetTest, BasePathDefaultsToV1) {
  MetricsRegistry metrics;
  ModelConfig m;
  m.name = "m";
  m.upstreams.push_back({"http://127.0.0.1:1", "", "", ""});
  m.upstreams.push_back({"http://127.0.0.1:2/openai/v1", "k", "", ""});
  auto created = UpstreamSet::Create(m, UpstreamPolicy(), 1, metrics);
  ASSERT_TRUE(created.ok());
  UpstreamSet& set = **created;
  EXPECT_EQ(set.upstreams()[0]->base_path, "/v1");
  EXPECT_EQ(set.upstreams()[1]->base_path, "/openai/v1");
  EXPECT_EQ(set.upstreams()[1]->api_key, "k");
}

}  // namespace
}  // namespace bastion::gateway
