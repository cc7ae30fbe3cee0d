#include "http/sse.h"

#include <gtest/gtest.h>

#include <random>

namespace bastion::http {
namespace {

std::vector<SseEvent> ParseAll(SseParser& p) {
  std::vector<SseEvent> out;
  SseEvent e;
  while (p.Next(e)) out.push_back(e);
  return out;
}

constexpr std::string_view kStream =
    ": comment\n"
    "data: {\"a\":1}\n\n"
    "event: error\r\ndata: line1\r\ndata: line2\r\n\r\n"
    "data:no-space\r\r"
    "data: [DONE]\n\n";

void ExpectStreamEvents(const std::vector<SseEvent>& events) {
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].data, "{\"a\":1}");
  EXPECT_EQ(events[1].event, "error");
  EXPECT_EQ(events[1].data, "line1\nline2");
  EXPECT_EQ(events[2].data, "no-space");
  EXPECT_EQ(events[3].data, "[DONE]");
}

TEST(SseParserTest, ParsesAllLineEndings) {
  SseParser p;
  ASSERT_TRUE(p.Feed(kStream));
  ExpectStreamEvents(ParseAll(p));
}

TEST(SseParserTest, SplitAtEveryBytePosition) {
  for (size_t cut = 0; cut <= kStream.size(); ++cut) {
    SseParser p;
    ASSERT_TRUE(p.Feed(kStream.substr(0, cut)));
    ASSERT_TRUE(p.Feed(kStream.substr(cut)));
    ExpectStreamEvents(ParseAll(p));
  }
}

TEST(SseParserTest, RandomChunking) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    SseParser p;
    size_t i = 0;
    while (i < kStream.size()) {
      size_t n = std::uniform_int_distribution<size_t>(1, 7)(rng);
      ASSERT_TRUE(p.Feed(kStream.substr(i, n)));
      i += n;
    }
    ExpectStreamEvents(ParseAll(p));
  }
}

TEST(SseParserTest, EmptyDataLinesArePreserved) {
  SseParser p;
  ASSERT_TRUE(p.Feed("data:\ndata: x\n\n"));
  auto events = ParseAll(p);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "\nx");
}

TEST(SseParserTest, OversizedEventIsRefused) {
  SseParser p(16);
  EXPECT_FALSE(p.Feed("data: " + std::string(64, 'x')));
  SseParser q(16);
  EXPECT_FALSE(q.Feed("data: 0123456789\ndata: 0123456789\n"));
}

TEST(SseWriterTest, OneDataLinePerLine) {
  std::string out;
  AppendSseData(out, "a\nb");
  EXPECT_EQ(out, "data: a\ndata: b\n\n");
}

}  // namespace
}  // namespace bastion::http
