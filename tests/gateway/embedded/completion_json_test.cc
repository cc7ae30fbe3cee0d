#include "gateway/embedded/completion_json.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace bastion::gateway {
namespace {

simdjson::dom::element ParseJson(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(text).get(e), simdjson::SUCCESS) << text;
  return e;
}

TEST(CompletionJsonTest, ChatChunksInOpenAiShape) {
  CompletionJson json(InferenceKind::kChat, "req-1", "m", 1700000000);
  simdjson::dom::parser parser;
  auto first = ParseJson(parser, json.Chunk("", "", true, nullptr, ""));
  EXPECT_EQ(std::string_view(first["id"]), "chatcmpl-req-1");
  EXPECT_EQ(std::string_view(first["object"]), "chat.completion.chunk");
  EXPECT_EQ(int64_t(first["created"]), 1700000000);
  auto choice = first["choices"].at(0);
  EXPECT_EQ(std::string_view(choice["delta"]["role"]), "assistant");
  EXPECT_EQ(std::string_view(choice["delta"]["content"]), "");
  EXPECT_TRUE(choice["finish_reason"].is_null());

  std::vector<TokenLogprobs> lp = {{"\xE2\x82", -0.5f, {{"\xE2\x82", -0.5f}, {"a", -1.0f}}}};
  auto mid = ParseJson(parser, json.Chunk("think", "", false, &lp, ""));
  auto delta = mid["choices"].at(0)["delta"];
  EXPECT_EQ(std::string_view(delta["reasoning_content"]), "think");
  EXPECT_TRUE(delta["content"].error() == simdjson::NO_SUCH_FIELD);
  auto token = mid["choices"].at(0)["logprobs"]["content"].at(0);
  EXPECT_EQ(simdjson::dom::array(token["bytes"]).size(), 2u);  // half a character, as bytes
  EXPECT_EQ(simdjson::dom::array(token["top_logprobs"]).size(), 2u);

  auto last = ParseJson(parser, json.Chunk("", "", false, nullptr, "length"));
  EXPECT_EQ(std::string_view(last["choices"].at(0)["finish_reason"]), "length");
  auto usage = ParseJson(parser, json.UsageChunk({5, 7}));
  EXPECT_EQ(simdjson::dom::array(usage["choices"]).size(), 0u);
  EXPECT_EQ(uint64_t(usage["usage"]["total_tokens"]), 12u);
}

TEST(CompletionJsonTest, WholeResponsesForBothEndpoints) {
  simdjson::dom::parser parser;
  CompletionJson chat(InferenceKind::kChat, "r", "m", 1);
  auto c = ParseJson(parser, chat.Whole("why", "because", nullptr, "stop", {3, 4}));
  EXPECT_EQ(std::string_view(c["object"]), "chat.completion");
  EXPECT_EQ(std::string_view(c["choices"].at(0)["message"]["content"]), "because");
  EXPECT_EQ(std::string_view(c["choices"].at(0)["message"]["reasoning_content"]), "why");
  EXPECT_EQ(uint64_t(c["usage"]["completion_tokens"]), 4u);

  CompletionJson text(InferenceKind::kCompletion, "r", "m", 1);
  std::vector<TokenLogprobs> lp = {{"ab", -0.1f, {{"ab", -0.1f}}}, {"c", -0.2f, {}}};
  auto t = ParseJson(parser, text.Whole("", "abc", &lp, "stop", {1, 2}));
  EXPECT_EQ(std::string_view(t["id"]), "cmpl-r");
  EXPECT_EQ(std::string_view(t["object"]), "text_completion");
  EXPECT_EQ(std::string_view(t["choices"].at(0)["text"]), "abc");
  auto offsets = simdjson::dom::array(t["choices"].at(0)["logprobs"]["text_offset"]);
  std::vector<uint64_t> got;
  for (auto o : offsets) got.push_back(uint64_t(o));
  EXPECT_EQ(got, (std::vector<uint64_t>{0, 2}));
}

}  // namespace
}  // namespace bastion::gateway
