#include "gateway/filters/access_log/access_log_filter.h"

#include <gtest/gtest.h>

namespace bastion::gateway {
namespace {

TEST(AccessLogFilterTest, LogsFactsButNeverContent) {
  http::Request req;
  req.method = "POST";
  req.body = R"({"model":"m","messages":[{"role":"user","content":"SECRET-PROMPT"}]})";
  req.headers = {{"authorization", "Bearer sk-client-secret"}};
  Exchange ex(req);
  ex.request_id = "req-1";
  ex.route = "/v1/chat/completions";
  ex.model = "m";
  ex.status = 200;
  ex.upstream = "http://127.0.0.1:1/v1";
  ex.attempts = 1;
  ex.inference = InferenceRequest{};
  ex.first_byte = ex.start;
  std::string line = AccessLogFilter::Format(ex);
  for (const char* expected : {"id=req-1", "route=/v1/chat/completions", "status=200", "model=m",
                               "attempts=1", "ttfb_ms=", "stream=false"}) {
    EXPECT_NE(line.find(expected), std::string::npos) << expected << " in " << line;
  }
  EXPECT_EQ(line.find("SECRET-PROMPT"), std::string::npos);
  EXPECT_EQ(line.find("sk-client-secret"), std::string::npos);
}

}  // namespace
}  // namespace bastion::gateway
