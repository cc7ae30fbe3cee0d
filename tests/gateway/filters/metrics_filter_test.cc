#include "gateway/filters/metrics/metrics_filter.h"

#include <gtest/gtest.h>

namespace bastion::gateway {
namespace {

TEST(MetricsFilterTest, CountsByRouteModelStatus) {
  MetricsRegistry registry;
  MetricsFilter f(registry);
  http::Request req;
  for (int status : {200, 200, 404}) {
    Exchange ex(req);
    ex.route = "/v1/chat/completions";
    ex.model = status == 200 ? "m" : "";
    ex.status = status;
    ex.inference = InferenceRequest{};
    ex.first_byte = ex.start;
    f.OnComplete(ex);
  }
  std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find(R"(bastion_requests_total{route="/v1/chat/completions",model="m",status="200"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(bastion_requests_total{route="/v1/chat/completions",model="-",status="404"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(bastion_request_duration_seconds_count{route="/v1/chat/completions"} 3)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(bastion_time_to_first_byte_seconds_count{model="m"} 2)"),
            std::string::npos);
}

TEST(MetricsFilterTest, CountsTokensByModelAndKind) {
  MetricsRegistry registry;
  MetricsFilter f(registry);
  http::Request req;
  auto complete = [&](std::string model, int64_t prompt, int64_t completion) {
    Exchange ex(req);
    ex.route = "/v1/chat/completions";
    ex.model = std::move(model);
    ex.status = 200;
    ex.inference = InferenceRequest{};
    ex.prompt_tokens = prompt;
    ex.completion_tokens = completion;
    f.OnComplete(ex);
  };
  complete("m", 10, 3);
  complete("m", 5, 7);
  complete("m", -1, -1);  // no usage reported
  complete("", 4, 4);     // an unknown model gets no series
  std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find(R"(bastion_tokens_total{model="m",kind="prompt"} 15)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(bastion_tokens_total{model="m",kind="completion"} 10)"),
            std::string::npos);
  EXPECT_EQ(text.find(R"(bastion_tokens_total{model="-")"), std::string::npos);
}

}  // namespace
}  // namespace bastion::gateway
