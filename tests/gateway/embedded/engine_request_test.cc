#include "gateway/embedded/engine_request.h"

#include <gtest/gtest.h>

#include <string>

namespace bastion::gateway {
namespace {

std::optional<ApiError> Parse(InferenceKind kind, const std::string& body, EngineRequest& out) {
  InferenceRequest validated;
  auto invalid = ParseInferenceRequest(kind, body, validated);
  EXPECT_FALSE(invalid.has_value()) << (invalid ? invalid->message : "");
  return ParseEngineRequest(kind, body, out);
}

TEST(EngineRequestTest, MessagesWithTextPartsAndSampling) {
  EngineRequest r;
  auto e = Parse(InferenceKind::kChat,
                 R"({"model":"m","messages":[{"role":"system","content":"be brief"},
                     {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
                     {"role":"function","content":"x"}],
                     "temperature":0.2,"top_k":-1,"min_p":0.1,"seed":-5,"stop":["x","","y"],
                     "logprobs":true,"top_logprobs":3})",
                 r);
  ASSERT_FALSE(e.has_value()) << e->message;
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_EQ(r.messages[1].content, "ab");
  EXPECT_EQ(r.messages[2].role, "tool");
  EXPECT_EQ(r.stop, (std::vector<std::string>{"x", "y"}));
  engine::SamplingParams defaults;
  defaults.temperature = 0.6f;
  defaults.top_p = 0.95f;
  auto p = r.Sampling(defaults);
  EXPECT_FLOAT_EQ(p.temperature, 0.2f);
  EXPECT_FLOAT_EQ(p.top_p, 0.95f);  // unset: the model's default
  EXPECT_EQ(p.top_k, 0);            // -1: off
  EXPECT_FLOAT_EQ(p.min_p, 0.1f);
  EXPECT_EQ(p.seed, static_cast<uint64_t>(-5));
  EXPECT_EQ(p.top_logprobs, 3);
  EXPECT_TRUE(r.logprobs);
}

TEST(EngineRequestTest, CompletionPromptsAsTextOrTokens) {
  EngineRequest r;
  ASSERT_FALSE(
      Parse(InferenceKind::kCompletion, R"({"model":"m","prompt":["hi"],"logprobs":2})", r));
  EXPECT_EQ(r.prompt, "hi");
  EXPECT_EQ(r.top_logprobs, 2);
  ASSERT_FALSE(Parse(InferenceKind::kCompletion, R"({"model":"m","prompt":[1,2,3]})", r));
  EXPECT_EQ(r.prompt_tokens, (std::vector<int64_t>{1, 2, 3}));
  ASSERT_FALSE(Parse(InferenceKind::kCompletion, R"({"model":"m","prompt":[[4,5]]})", r));
  EXPECT_EQ(r.prompt_tokens, (std::vector<int64_t>{4, 5}));
}

TEST(EngineRequestTest, WhatTheEngineCannotDoIsA400NamingTheParameter) {
  struct Case {
    InferenceKind kind;
    const char* body;
    const char* param;
  };
  const Case cases[] = {
      {InferenceKind::kChat, R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":2})",
       "n"},
      {InferenceKind::kChat,
       R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}]})",
       "tools"},
      {InferenceKind::kChat,
       R"({"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}})",
       "response_format"},
      {InferenceKind::kChat,
       R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"u"}}]}]})",
       "messages[0].content[0]"},
      {InferenceKind::kChat,
       R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_logprobs":2})",
       "top_logprobs"},
      {InferenceKind::kChat,
       R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_k":-2})", "top_k"},
      {InferenceKind::kChat,
       R"({"model":"m","messages":[{"role":"user","content":"x"}],"repetition_penalty":0})",
       "repetition_penalty"},
      {InferenceKind::kCompletion, R"({"model":"m","prompt":["a","b"]})", "prompt"},
      {InferenceKind::kCompletion, R"({"model":"m","prompt":"a","logprobs":6})", "logprobs"},
  };
  for (const auto& c : cases) {
    EngineRequest r;
    auto e = Parse(c.kind, c.body, r);
    ASSERT_TRUE(e.has_value()) << c.body;
    EXPECT_EQ(e->status, 400);
    EXPECT_EQ(e->param, c.param) << c.body;
  }
}

}  // namespace
}  // namespace bastion::gateway
