// The runner against an in-process OpenAI-compatible target whose answers are scripted by the
// last user message: ordering, concurrency, retries, the LLM judge, an unreachable target.
#include "redteam/runner.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "common/json_writer.h"
#include "http/asio.h"
#include "http/server.h"

namespace bastion::redteam {
namespace {

constexpr const char* kComplied =
    "Sure, here is how to do it. Step 1: gather the materials. Step 2: follow the plan "
    "carefully. Step 3: check the result.";

http::Response Completion(std::string_view content) {
  JsonWriter w;
  w.BeginObject().Key("choices").BeginArray().BeginObject().Key("message").BeginObject();
  w.Key("role").String("assistant").Key("content").String(content).EndObject();
  w.Key("finish_reason").String("stop").EndObject().EndArray();
  w.Key("usage").BeginObject().Key("completion_tokens").Int(7).EndObject().EndObject();
  return {.body = w.Take()};
}

class ScriptedTarget {
 public:
  ScriptedTarget() {
    http::ServerOptions options;
    options.listen = {"127.0.0.1", 0};
    options.threads = 2;
    server_ = std::make_unique<http::HttpServer>(
        options, [this](http::Request& req, http::ResponseWriter& w) -> http::Awaitable<void> {
          return Handle(req, w);
        });
    EXPECT_TRUE(server_->Listen().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~ScriptedTarget() {
    server_->Stop();
    thread_.join();
  }

  Endpoint endpoint() const {
    return {.url = {.scheme = "http", .host = "127.0.0.1", .port = server_->port(), .path = "/"},
            .model = "scripted",
            .api_key = "sk-test",
            .timeout = Millis(5000)};
  }
  int max_in_flight() const { return max_in_flight_; }
  int requests() const { return requests_; }
  std::string last_authorization() {
    std::lock_guard lock(mu_);
    return last_authorization_;
  }

 private:
  http::Awaitable<void> Handle(http::Request& req, http::ResponseWriter& w) {
    ++requests_;
    const int now = ++in_flight_;
    for (int seen = max_in_flight_;
         now > seen && !max_in_flight_.compare_exchange_weak(seen, now);) {
    }
    {
      std::lock_guard lock(mu_);
      last_authorization_ = req.Header("authorization");
    }
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view system, user;
    if (!parser.parse(simdjson::padded_string(req.body)).get(root)) {
      for (simdjson::dom::element m : root["messages"]) {
        std::string_view role, content;
        if (m["role"].get(role) || m["content"].get(content)) continue;
        if (role == "system") system = content;
        if (role == "user") user = content;
      }
    }
    http::Response response = co_await Answer(system, user);
    --in_flight_;
    co_await w.Send(std::move(response));
  }

  http::Awaitable<http::Response> Answer(std::string_view system, std::string_view user) {
    if (system.find("classifier") != std::string_view::npos) {
      co_return Completion(user.find("Step 1") != std::string_view::npos ? "Yes" : "No");
    }
    if (user.starts_with("slow")) {
      http::net::steady_timer timer(co_await http::net::this_coro::executor);
      timer.expires_after(std::chrono::milliseconds(40));
      co_await timer.async_wait(http::net::use_awaitable);
      co_return Completion(kComplied);
    }
    if (user == "busy") {
      std::lock_guard lock(mu_);
      if (busy_answers_++ == 0) {
        co_return http::Response{.status = 429,
                                 .headers = {{"Retry-After", "0"}},
                                 .body = R"({"error":{"type":"rate_limited"}})"};
      }
      co_return Completion(kComplied);
    }
    if (user == "refuse") co_return Completion("I'm sorry, but I can't help with that.");
    if (user == "chatty") {
      co_return Completion(
          "Well, there are many things one could say about a request like "
          "this one, and I have said several of them now.");
    }
    if (user == "block") {
      co_return http::Response{
          .status = 400,
          .body = R"({"error":{"type":"invalid_request_error","code":"content_filter"}})"};
    }
    co_return Completion(kComplied);
  }

  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::string last_authorization_;
  int busy_answers_ = 0;
};

Probe UserProbe(std::string id, std::string text) {
  Probe p;
  p.id = std::move(id);
  p.category = "c";
  p.technique = "direct";
  p.behavior = "do it";
  p.messages = {{"user", std::move(text)}};
  return p;
}

TEST(RunnerTest, ResultsInProbeOrderWithVerdicts) {
  ScriptedTarget target;
  std::vector<Probe> probes = {UserProbe("a", "comply"), UserProbe("b", "refuse"),
                               UserProbe("c", "block")};
  RunOptions options{.concurrency = 2, .samples = 2, .seed = 7};
  auto results = RunAttempts(probes, options, target.endpoint(), std::nullopt);
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  ASSERT_EQ(results->size(), 6u);
  const char* ids[] = {"a", "a", "b", "b", "c", "c"};
  const Outcome outcomes[] = {Outcome::kSuccess, Outcome::kSuccess, Outcome::kRefused,
                              Outcome::kRefused, Outcome::kBlocked, Outcome::kBlocked};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ((*results)[i].probe_id, ids[i]);
    EXPECT_EQ((*results)[i].sample, static_cast<int>(i % 2));
    EXPECT_EQ((*results)[i].verdict.outcome, outcomes[i]) << (*results)[i].verdict.reason;
  }
  EXPECT_EQ((*results)[0].completion_tokens, 7);
  EXPECT_EQ((*results)[0].completion, kComplied);
  EXPECT_EQ((*results)[4].http_status, 400);
  EXPECT_EQ((*results)[4].error, "content_filter");
  EXPECT_EQ(target.last_authorization(), "Bearer sk-test");
}

TEST(RunnerTest, KeepsTheTargetSaturated) {
  ScriptedTarget target;
  std::vector<Probe> probes;
  for (int i = 0; i < 24; ++i) probes.push_back(UserProbe("p" + std::to_string(i), "slow"));
  int progress_calls = 0;
  auto results = RunAttempts(probes, {.concurrency = 6}, target.endpoint(), std::nullopt,
                             [&](int done, int total) {
                               ++progress_calls;
                               EXPECT_EQ(total, 24);
                               EXPECT_EQ(done, progress_calls);
                             });
  ASSERT_TRUE(results.ok());
  EXPECT_EQ(target.max_in_flight(), 6);
  EXPECT_EQ(target.requests(), 24);
  EXPECT_EQ(progress_calls, 24);
}

TEST(RunnerTest, RetriesRateLimits) {
  ScriptedTarget target;
  auto results = RunAttempts({UserProbe("a", "busy")}, {}, target.endpoint(), std::nullopt);
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].verdict.outcome, Outcome::kSuccess);
  EXPECT_EQ(target.requests(), 2);
}

TEST(RunnerTest, RedactedRunsKeepNoText) {
  ScriptedTarget target;
  auto results = RunAttempts({UserProbe("a", "comply")}, {.redact_completions = true},
                             target.endpoint(), std::nullopt);
  ASSERT_TRUE(results.ok());
  EXPECT_TRUE((*results)[0].completion.empty());
}

TEST(RunnerTest, LlmJudgeDecidesAndTheRefusalJudgeCrossChecks) {
  ScriptedTarget target;
  Endpoint judge = target.endpoint();
  judge.model = "judge";
  auto results = RunAttempts({UserProbe("a", "comply"), UserProbe("b", "chatty"),
                              UserProbe("c", "refuse"), UserProbe("d", "block")},
                             {}, target.endpoint(), judge);
  ASSERT_TRUE(results.ok());
  const auto& r = *results;
  EXPECT_EQ(r[0].verdict.outcome, Outcome::kSuccess);
  EXPECT_EQ(r[0].second_outcome, Outcome::kSuccess);
  // The refusal judge calls the chatter compliance; the LLM judge does not.
  EXPECT_EQ(r[1].verdict.outcome, Outcome::kDiscussed);
  EXPECT_EQ(r[1].second_outcome, Outcome::kSuccess);
  EXPECT_EQ(r[1].verdict.reason, "LLM judge: no");
  EXPECT_EQ(r[2].verdict.outcome, Outcome::kRefused);
  EXPECT_EQ(r[2].second_outcome, Outcome::kRefused);
  // Blocked requests have no answer to judge.
  EXPECT_EQ(r[3].verdict.outcome, Outcome::kBlocked);
  EXPECT_FALSE(r[3].second_outcome);
}

TEST(RunnerTest, UnreachableTargetFailsTheRun) {
  uint16_t port = 0;
  {
    http::net::io_context io;
    http::tcp::acceptor a(io, {http::net::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  Endpoint dead{.url = {.scheme = "http", .host = "127.0.0.1", .port = port, .path = "/"},
                .model = "m",
                .timeout = Millis(1000)};
  std::vector<Probe> probes(30, UserProbe("a", "comply"));
  auto results = RunAttempts(probes, {.concurrency = 3}, dead, std::nullopt);
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(results.status().message().find("cannot reach the target"), std::string::npos);
}

TEST(ChatCompletionsPathTest, NoDoubledV1) {
  EXPECT_EQ(ChatCompletionsPath({.path = "/"}), "/v1/chat/completions");
  EXPECT_EQ(ChatCompletionsPath({.path = "/v1"}), "/v1/chat/completions");
  EXPECT_EQ(ChatCompletionsPath({.path = "/api"}), "/api/v1/chat/completions");
}

}  // namespace
}  // namespace bastion::redteam
