// Small value parsers: durations, listen addresses, URLs.
#include <gtest/gtest.h>

#include "common/duration.h"
#include "common/host_port.h"
#include "common/url.h"

namespace bastion {
namespace {

TEST(DurationTest, ParsesUnits) {
  EXPECT_EQ(*ParseDuration("250ms"), Millis(250));
  EXPECT_EQ(*ParseDuration("10s"), Millis(10'000));
  EXPECT_EQ(*ParseDuration("5m"), Millis(300'000));
  EXPECT_EQ(*ParseDuration("1h"), Millis(3'600'000));
  for (const char* bad : {"", "10", "s", "-1s", "1.5s", "10 s", "10sec", "99999999999999s"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
  EXPECT_EQ(FormatDuration(Millis(1500)), "1500ms");
  EXPECT_EQ(FormatDuration(Millis(120'000)), "2m");
  EXPECT_EQ(FormatDuration(Millis(90LL * 86'400'000)), "90d");
  EXPECT_EQ(FormatDuration(Millis(36LL * 3'600'000)), "36h");
  EXPECT_EQ(*ParseDuration("30d"), Millis(30LL * 86'400'000));
}

TEST(HostPortTest, ParsesV4V6AndNames) {
  auto a = ParseHostPort("127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto b = ParseHostPort("[::1]:0");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->ToString(), "[::1]:0");
  for (const char* bad : {"", "8080", ":8080", "::1:80", "[::1]", "[::1]80", "h:65536", "h:x"}) {
    EXPECT_FALSE(ParseHostPort(bad).ok()) << bad;
  }
}

TEST(HostPortTest, LoopbackDetection) {
  for (const char* h : {"127.0.0.1", "127.8.9.10", "::1", "localhost"}) {
    EXPECT_TRUE(IsLoopbackHost(h)) << h;
  }
  for (const char* h : {"0.0.0.0", "::", "10.0.0.1", "192.168.1.1", "example.com", "128.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
  }
}

TEST(UrlTest, ErrorsNeverRepeatCredentials) {
  for (const char* url : {"http://admin:hunter2@10.0.0.1:8000/v1", "ftp://admin:hunter2@h/",
                          "http://admin:hunter2@h:99999/"}) {
    auto u = ParseUrl(url);
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(u.status().message().find("hunter2"), std::string::npos) << u.status().message();
    EXPECT_NE(u.status().message().find("***@"), std::string::npos) << u.status().message();
  }
}

TEST(UrlTest, ParsesBaseUrls) {
  auto u = ParseUrl("http://127.0.0.1:8000/v1/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8000);
  EXPECT_EQ(u->path, "/v1");
  auto d = ParseUrl("https://vllm.internal");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, 443);
  EXPECT_EQ(d->path, "/");
  auto v6 = ParseUrl("http://[::1]:9/x");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->Authority(), "[::1]:9");
  for (const char* bad : {"127.0.0.1:8000", "ftp://h/", "http://user:pw@h/", "http://h/?q=1",
                          "http://h:0/", "http://:80/", "http://h:99999/"}) {
    EXPECT_FALSE(ParseUrl(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace bastion
