#include "gateway/inference_request.h"

#include <gtest/gtest.h>

namespace bastion::gateway {
namespace {

std::optional<ApiError> Chat(std::string_view body, InferenceRequest* out = nullptr) {
  InferenceRequest r;
  auto e = ParseInferenceRequest(InferenceKind::kChat, body, r);
  if (out) *out = r;
  return e;
}

TEST(InferenceRequestTest, AcceptsAFullChatRequest) {
  InferenceRequest r;
  auto e = Chat(R"({"model":"m","messages":[{"role":"system","content":"s"},
    {"role":"user","content":[{"type":"text","text":"hi"}]},
    {"role":"assistant","content":null,"tool_calls":[]}],
    "stream":true,"stream_options":{"include_usage":true},"max_tokens":5,
    "max_completion_tokens":7,"temperature":0.7,"top_p":1,"seed":-3,"stop":["a","b"],
    "n":1,"extra_engine_param":{"x":1}})",
                &r);
  ASSERT_FALSE(e) << e->message;
  EXPECT_EQ(r.model, "m");
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
  EXPECT_EQ(r.max_tokens, 7);
  EXPECT_EQ(r.message_count, 3u);
}

struct BadCase {
  const char* body;
  const char* param;
  const char* code;
};

TEST(InferenceRequestTest, RejectsBadFieldsNamingTheParam) {
  const BadCase cases[] = {
      {R"({"messages":[{"role":"user","content":"x"}]})", "model", "missing_required_parameter"},
      {R"({"model":"","messages":[]})", "model", "invalid_value"},
      {R"({"model":7,"messages":[]})", "model", "invalid_value"},
      {R"({"model":"m"})", "messages", "missing_required_parameter"},
      {R"({"model":"m","messages":{}})", "messages", "invalid_value"},
      {R"({"model":"m","messages":[]})", "messages", "invalid_value"},
      {R"({"model":"m","messages":["hi"]})", "messages[0]", "invalid_value"},
      {R"({"model":"m","messages":[{"content":"x"}]})", "messages[0].role", "invalid_value"},
      {R"({"model":"m","messages":[{"role":"wizard","content":"x"}]})", "messages[0].role",
       "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user"}]})", "messages[0].content", "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":5}]})", "messages[0].content",
       "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":[{"text":"x"}]}]})",
       "messages[0].content[0]", "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":3})",
       "temperature", "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"})",
       "temperature", "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_p":1.5})", "top_p",
       "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0})",
       "max_tokens", "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1.5})",
       "max_tokens", "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_completion_tokens":-1})",
       "max_completion_tokens", "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"seed":18446744073709551615})",
       "seed", "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"})", "stream",
       "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{}})",
       "stream_options", "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d","e"]})",
       "stop", "invalid_value"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":[1]})", "stop",
       "invalid_value"},
  };
  for (const auto& c : cases) {
    auto e = Chat(c.body);
    ASSERT_TRUE(e) << c.body;
    EXPECT_EQ(e->status, 400) << c.body;
    EXPECT_EQ(e->param, c.param) << c.body;
    EXPECT_EQ(e->code, c.code) << c.body;
    EXPECT_EQ(e->type, "invalid_request_error");
  }
}

TEST(InferenceRequestTest, MalformedJsonSaysWhere) {
  auto e = Chat("{\"model\": \"m\",\n \"messages\": [}");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "invalid_json");
  EXPECT_NE(e->message.find("line 2, column 15"), std::string::npos) << e->message;
  auto bad_utf8 = Chat("{\"model\":\"\xff\",\"messages\":[]}");
  ASSERT_TRUE(bad_utf8);
  EXPECT_EQ(bad_utf8->code, "invalid_json");
  auto not_object = Chat("[1,2]");
  ASSERT_TRUE(not_object);
  EXPECT_EQ(not_object->code, "invalid_json");
  std::string deep = "{\"model\":\"m\",\"x\":" + std::string(1000, '[') + std::string(1000, ']') + "}";
  auto too_deep = Chat(deep);
  ASSERT_TRUE(too_deep);
  EXPECT_EQ(too_deep->code, "invalid_json");
}

TEST(InferenceRequestTest, DuplicateKeysAreRefused) {
  auto e = Chat(R"({"model":"allowed","messages":[{"role":"user","content":"x"}],"model":"other"})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "duplicate_key");
  EXPECT_EQ(e->param, "model");
  auto m = Chat(R"({"model":"m","messages":[{"role":"user","content":"x","content":"y"}]})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->param, "messages[0].content");
}

TEST(InferenceRequestTest, CompletionPrompts) {
  InferenceRequest r;
  for (const char* ok : {R"({"model":"m","prompt":"x"})", R"({"model":"m","prompt":["a","b"]})",
                         R"({"model":"m","prompt":[1,2,3]})", R"({"model":"m","prompt":[[1],[2]]})"}) {
    EXPECT_FALSE(ParseInferenceRequest(InferenceKind::kCompletion, ok, r)) << ok;
  }
  for (const char* bad : {R"({"model":"m"})", R"({"model":"m","prompt":5})",
                          R"({"model":"m","prompt":[{"a":1}]})", R"({"model":"m","prompt":[[1,"x"]]})"}) {
    auto e = ParseInferenceRequest(InferenceKind::kCompletion, bad, r);
    ASSERT_TRUE(e) << bad;
    EXPECT_EQ(e->param, "prompt");
  }
}

TEST(InferenceRequestTest, ReplaceModelKeepsEverythingElse) {
  std::string out = ReplaceModel(R"({"a":[1, 2],"model":"alias","z":{"k":"v"}})", "real/name");
  EXPECT_EQ(out, R"({"a":[1,2],"model":"real/name","z":{"k":"v"}})");
}

}  // namespace
}  // namespace bastion::gateway
