#include "gateway/filters/access_log/access_log_filter.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>

#include "gateway/filters/guard/guard_exchange.h"

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

TEST(AccessLogFilterTest, JsonMembersCarryTheSameFactsEscaped) {
  http::Request req;
  req.method = "POST";
  req.body = R"({"model":"m","messages":[{"role":"user","content":"SECRET-PROMPT"}]})";
  req.headers = {{"authorization", "Bearer sk-client-secret"}};
  Exchange ex(req);
  ex.request_id = "req-\"quoted\"\n";  // ids are checked upstream; still escaped here
  ex.route = "/v1/chat/completions";
  ex.status = 400;
  ex.error_code = "content_filter";
  ex.inference = InferenceRequest{};
  ex.inference->stream = true;
  ex.prompt_tokens = 12;
  ex.guard = std::make_shared<GuardExchange>();
  ex.guard->input_verdict = guard::Action::kBlock;
  for (const char* rule : {"jailbreak.dan", "pii.email", "jailbreak.dan"}) {
    guard::Finding f{guard::Category::kJailbreak, rule, guard::Span{0, 1}, 1.0, {}};
    ex.guard->input_findings.push_back(f);
  }
  std::string members = AccessLogFilter::FormatJson(ex);
  EXPECT_EQ(members.find("SECRET-PROMPT"), std::string::npos);
  EXPECT_EQ(members.find("sk-client-secret"), std::string::npos);

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string object = "{" + members + "}";
  ASSERT_EQ(parser.parse(object).get(doc), simdjson::SUCCESS) << object;
  std::string_view text;
  int64_t number = 0;
  bool flag = false;
  ASSERT_EQ(doc["request_id"].get(text), simdjson::SUCCESS);
  EXPECT_EQ(text, "req-\"quoted\"\n");
  ASSERT_EQ(doc["status"].get(number), simdjson::SUCCESS);
  EXPECT_EQ(number, 400);
  EXPECT_TRUE(doc["model"].is_null());
  EXPECT_TRUE(doc["upstream"].is_null());
  ASSERT_EQ(doc["error"].get(text), simdjson::SUCCESS);
  EXPECT_EQ(text, "content_filter");
  ASSERT_EQ(doc["stream"].get(flag), simdjson::SUCCESS);
  EXPECT_TRUE(flag);
  ASSERT_EQ(doc["prompt_tokens"].get(number), simdjson::SUCCESS);
  EXPECT_EQ(number, 12);
  EXPECT_NE(doc["completion_tokens"].get(number), simdjson::SUCCESS);  // unknown: absent
  EXPECT_NE(doc["guard_out"].get(text), simdjson::SUCCESS);
  ASSERT_EQ(doc["guard_in"]["verdict"].get(text), simdjson::SUCCESS);
  EXPECT_EQ(text, "block");
  EXPECT_EQ(simdjson::minify(doc["guard_in"]["rules"]), R"(["jailbreak.dan","pii.email"])");
}

}  // namespace
}  // namespace bastion::gateway
