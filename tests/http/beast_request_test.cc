#include "http/beast_request.h"

#include <gtest/gtest.h>

namespace bastion::http {
namespace {

// Parses a request head; returns the CheckRequestHead verdict's status, or 0 when none.
int HeadStatus(const std::string& head, size_t max_header = 16 << 10, size_t max_body = 1 << 20) {
  RequestParser parser;
  ApplyLimits(parser, 1 << 20, UINT64_MAX);  // let Beast accept it; the check decides
  error_code ec;
  parser.put(net::buffer(head), ec);
  EXPECT_FALSE(ec) << ec.message();
  auto problem = CheckRequestHead(parser, max_header, max_body);
  return problem ? problem->status : 0;
}

TEST(CheckRequestHeadTest, PlainRequestsPass) {
  EXPECT_EQ(HeadStatus("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
  EXPECT_EQ(HeadStatus("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"), 0);
  EXPECT_EQ(HeadStatus("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"), 0);
  EXPECT_EQ(HeadStatus("GET / HTTP/1.0\r\n\r\n"), 0);  // HTTP/1.0 needs no Host
}

TEST(CheckRequestHeadTest, TransferEncodingMustEndChunked) {
  EXPECT_EQ(HeadStatus("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"), 400);
  EXPECT_EQ(HeadStatus("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
            400);
}

TEST(CheckRequestHeadTest, ExactlyOneHost) {
  EXPECT_EQ(HeadStatus("GET / HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(HeadStatus("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
}

TEST(CheckRequestHeadTest, SizeLimits) {
  std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 400; ++i) many += "X-Header-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
  many += "\r\n";
  EXPECT_EQ(HeadStatus(many), 431);
  EXPECT_EQ(HeadStatus(many, 64 << 10), 0);
  EXPECT_EQ(HeadStatus("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n", 16 << 10, 1000),
            413);
}

TEST(RequestTest, PathDropsQueryFragmentAndAbsoluteForm) {
  Request r;
  r.target = "/v1/models?x=1";
  EXPECT_EQ(r.Path(), "/v1/models");
  r.target = "http://bastion.example:8080/healthz";
  EXPECT_EQ(r.Path(), "/healthz");
  r.target = "https://host";
  EXPECT_EQ(r.Path(), "/");
}

}  // namespace
}  // namespace bastion::http
