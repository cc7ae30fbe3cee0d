#include "common/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace bastion {
namespace {

TEST(MetricsTest, RendersPrometheusText) {
  MetricsRegistry r;
  r.GetCounter("x_total", "Things", {{"route", "/a"}, {"status", "200"}}).Inc(3);
  r.GetGauge("y", "Level").Set(-2);
  auto& h = r.GetHistogram("z_seconds", "Time", {{"m", "q\"x"}}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5);
  std::string text = r.RenderPrometheus();
  EXPECT_NE(text.find("# HELP x_total Things\n# TYPE x_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("x_total{route=\"/a\",status=\"200\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("y -2\n"), std::string::npos);
  EXPECT_NE(text.find("z_seconds_bucket{m=\"q\\\"x\",le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("z_seconds_bucket{m=\"q\\\"x\",le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("z_seconds_bucket{m=\"q\\\"x\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("z_seconds_sum{m=\"q\\\"x\"} 5.55\n"), std::string::npos);
  EXPECT_NE(text.find("z_seconds_count{m=\"q\\\"x\"} 3\n"), std::string::npos);
}

TEST(MetricsTest, SameLabelsSameSeries) {
  MetricsRegistry r;
  Counter& a = r.GetCounter("c", "h", {{"k", "v"}});
  Counter& b = r.GetCounter("c", "h", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &r.GetCounter("c", "h", {{"k", "w"}}));
}

TEST(MetricsTest, CountsFromManyThreads) {
  MetricsRegistry r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&r] {
      for (int i = 0; i < 10000; ++i) r.GetCounter("n", "h", {{"k", "v"}}).Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(r.GetCounter("n", "h", {{"k", "v"}}).value(), 40000u);
}

}  // namespace
}  // namespace bastion
