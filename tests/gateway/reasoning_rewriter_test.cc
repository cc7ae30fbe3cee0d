#include "gateway/reasoning/reasoning_rewriter.h"

#include <gtest/gtest.h>

namespace bastion::gateway {
namespace {

std::string Chunk(const std::string& delta, const char* finish = "null") {
  return R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":)" + delta +
         R"(,"finish_reason":)" + finish + "}]}";
}

TEST(ReasoningRewriterTest, WholeResponse) {
  std::string body = R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant",)"
                     R"("content":"<think>\nhmm\n</think>\n\n42"},"finish_reason":"stop"}],)"
                     R"("usage":{"total_tokens":3}})";
  RewriteReasoningResponse(body);
  EXPECT_EQ(body, R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant",)"
                  R"("reasoning_content":"\nhmm\n","content":"42"},"finish_reason":"stop"}],)"
                  R"("usage":{"total_tokens":3}})");
}

TEST(ReasoningRewriterTest, AlreadySplitResponsesPassThrough) {
  std::string body = R"({"choices":[{"message":{"reasoning_content":"r","content":"a</think>b"}}]})";
  std::string before = body;
  RewriteReasoningResponse(body);
  EXPECT_EQ(body, before);
}

TEST(ReasoningRewriterTest, StreamSplitsAcrossChunks) {
  ReasoningStreamRewriter rw;
  std::vector<std::string> chunks = {Chunk(R"({"role":"assistant","content":""})"),
                                     Chunk(R"({"content":"<thi"})"), Chunk(R"({"content":"nk>ab"})"),
                                     Chunk(R"({"content":"c</th"})"), Chunk(R"({"content":"ink>\n\nok"})"),
                                     Chunk("{}", R"("stop")")};
  for (auto& c : chunks) rw.Rewrite(c);
  EXPECT_EQ(chunks[0], Chunk(R"({"role":"assistant"})"));
  EXPECT_EQ(chunks[1], Chunk("{}"));
  EXPECT_EQ(chunks[2], Chunk(R"({"reasoning_content":"ab"})"));
  EXPECT_EQ(chunks[3], Chunk(R"({"reasoning_content":"c"})"));
  EXPECT_EQ(chunks[4], Chunk(R"({"content":"ok"})"));
  EXPECT_EQ(chunks[5], Chunk("{}", R"("stop")"));
}

TEST(ReasoningRewriterTest, HeldBytesAreFlushedAtFinish) {
  ReasoningStreamRewriter rw;
  std::string a = Chunk(R"({"content":"x</thi"})");
  std::string b = Chunk(R"({"content":""})", R"("length")");
  rw.Rewrite(a);
  rw.Rewrite(b);
  EXPECT_EQ(a, Chunk(R"({"reasoning_content":"x"})"));
  EXPECT_EQ(b, Chunk(R"({"reasoning_content":"</thi"})", R"("length")"));
}

TEST(ReasoningRewriterTest, UpstreamThatSplitsItselfPassesThrough) {
  ReasoningStreamRewriter rw;
  std::string a = Chunk(R"({"reasoning_content":"r"})");
  std::string b = Chunk(R"({"content":"a</think>b"})");
  std::string a0 = a, b0 = b;
  rw.Rewrite(a);
  rw.Rewrite(b);
  EXPECT_EQ(a, a0);
  EXPECT_EQ(b, b0);
}

TEST(ReasoningRewriterTest, NonJsonAndUsageChunksAreUntouched) {
  ReasoningStreamRewriter rw;
  for (std::string s : {std::string("not json"), std::string(R"({"choices":[],"usage":{}})"),
                        std::string(R"({"error":{"message":"x"}})")}) {
    std::string before = s;
    rw.Rewrite(s);
    EXPECT_EQ(s, before);
  }
}

}  // namespace
}  // namespace bastion::gateway
