#include "http/head_writer.h"

#include <gtest/gtest.h>

#include "http/asio.h"

namespace bastion::http {
namespace {

// Parses `wire` with Beast, as a client would, and returns the parsed response.
bhttp::response<bhttp::string_body> ParseResponse(const std::string& wire, bool head_only) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.skip(head_only);
  parser.eager(true);
  error_code ec;
  size_t used = parser.put(net::buffer(wire), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  EXPECT_FALSE(ec) << ec.message() << " in:\n" << wire;
  EXPECT_EQ(used, wire.size());
  return parser.release();
}

TEST(HeadWriterTest, ResponseWithLengthRoundTripsThroughAParser) {
  HeaderList headers = {{"X-Request-Id", "req-1"}, {"Retry-After", "5"}};
  std::string wire;
  WriteResponseHead({.version = 11,
                     .status = 503,
                     .content_type = "application/json",
                     .headers = &headers,
                     .content_length = 2,
                     .keep_alive = true},
                    wire);
  EXPECT_EQ(wire.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << wire;
  wire += "{}";
  auto res = ParseResponse(wire, false);
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_EQ(res["X-Request-Id"], "req-1");
  EXPECT_EQ(res[bhttp::field::retry_after], "5");
  EXPECT_EQ(res.body(), "{}");
  EXPECT_TRUE(res.keep_alive());
}

TEST(HeadWriterTest, ChunkedStreamWithChunkSizeLines) {
  std::string wire;
  WriteResponseHead({.version = 11,
                     .status = 200,
                     .content_type = "text/event-stream",
                     .content_length = std::nullopt,
                     .keep_alive = false},
                    wire);
  EXPECT_NE(wire.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_NE(wire.find("Connection: close\r\n"), std::string::npos);
  std::string data(300, 'x');
  char scratch[24];
  wire.append(ChunkSizeLine(data.size(), scratch)).append(data).append("\r\n0\r\n\r\n");
  auto res = ParseResponse(wire, false);
  EXPECT_EQ(res.body(), data);
  EXPECT_FALSE(res.keep_alive());
}

TEST(HeadWriterTest, ChunkSizeLineIsLowerCaseHex) {
  char scratch[24];
  EXPECT_EQ(ChunkSizeLine(0, scratch), "0\r\n");
  EXPECT_EQ(ChunkSizeLine(255, scratch), "ff\r\n");
  EXPECT_EQ(ChunkSizeLine(0x1a2f, scratch), "1a2f\r\n");
  EXPECT_EQ(ChunkSizeLine(SIZE_MAX, scratch), "ffffffffffffffff\r\n");
}

TEST(HeadWriterTest, Http10SaysKeepAliveOnlyWhenItKeepsTheConnection) {
  std::string keep, close;
  WriteResponseHead({.version = 10, .status = 200, .content_length = 0, .keep_alive = true}, keep);
  WriteResponseHead({.version = 10, .status = 200, .content_length = 0, .keep_alive = false},
                    close);
  EXPECT_EQ(keep.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  EXPECT_NE(keep.find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(close.find("Connection:"), std::string::npos);
  // A 1.0 stream has no chunking: its end is the end of the connection.
  std::string stream;
  WriteResponseHead(
      {.version = 10, .status = 200, .content_length = std::nullopt, .keep_alive = false}, stream);
  EXPECT_EQ(stream.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(stream.find("Content-Length"), std::string::npos);
}

TEST(HeadWriterTest, BodilessStatusesCarryNoFraming) {
  for (int status : {101, 204, 304}) {
    std::string wire;
    WriteResponseHead({.version = 11, .status = status, .content_length = 10}, wire);
    EXPECT_EQ(wire.find("Content-Length"), std::string::npos) << status;
    EXPECT_EQ(wire.find("Transfer-Encoding"), std::string::npos) << status;
  }
}

TEST(HeadWriterTest, FieldsThatCouldSplitTheHeadAreDropped) {
  HeaderList headers = {{"X-Ok", "fine"},
                        {"X-Evil", "a\r\nSet-Cookie: stolen=1"},
                        {"X-Bare-Lf", "a\nb"},
                        {"X-Nul", std::string("a\0b", 3)},
                        {"Bad Name", "v"},
                        {"Bad:Name", "v"},
                        {"", "v"}};
  std::string wire;
  WriteResponseHead({.version = 11, .status = 200, .headers = &headers, .content_length = 0}, wire);
  EXPECT_NE(wire.find("X-Ok: fine\r\n"), std::string::npos);
  EXPECT_EQ(wire.find("Set-Cookie"), std::string::npos) << wire;
  EXPECT_EQ(wire.find("X-Bare-Lf"), std::string::npos);
  EXPECT_EQ(wire.find("X-Nul"), std::string::npos);
  EXPECT_EQ(wire.find("Bad"), std::string::npos);
  ParseResponse(wire, false);
}

TEST(HeadWriterTest, RequestHeadFramesTheBody) {
  HeaderList headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer k"}};
  std::string wire;
  WriteRequestHead({.method = "POST",
                    .target = "/v1/chat/completions",
                    .host = "127.0.0.1:8000",
                    .headers = &headers,
                    .content_length = 2},
                   wire);
  wire += "{}";
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);
  error_code ec;
  parser.put(net::buffer(wire), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(parser.is_done());
  auto& req = parser.get();
  EXPECT_EQ(req.method(), bhttp::verb::post);
  EXPECT_EQ(req.target(), "/v1/chat/completions");
  EXPECT_EQ(req[bhttp::field::host], "127.0.0.1:8000");
  EXPECT_EQ(req[bhttp::field::authorization], "Bearer k");
  EXPECT_EQ(req.body(), "{}");
  EXPECT_TRUE(req.keep_alive());
}

TEST(HeadWriterTest, BodilessGetHasNoContentLength) {
  std::string get, post;
  WriteRequestHead({.method = "GET", .target = "/v1/models", .host = "h"}, get);
  WriteRequestHead({.method = "POST", .target = "/x", .host = "h"}, post);
  EXPECT_EQ(get, "GET /v1/models HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(post, "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}

}  // namespace
}  // namespace bastion::http
