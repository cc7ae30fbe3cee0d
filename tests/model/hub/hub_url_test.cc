#include "model/hub/hub_url.h"

#include <gtest/gtest.h>

namespace bastion::model {
namespace {

TEST(HubUrlTest, ParsesAbsoluteUrlsWithQueries) {
  auto url = ParseHubUrl("https://cdn-lfs.huggingface.co/repos/ab/cd?X-Amz-Signature=1&e=2");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->host, "cdn-lfs.huggingface.co");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/repos/ab/cd?X-Amz-Signature=1&e=2");
  EXPECT_EQ(url->HostHeader(), "cdn-lfs.huggingface.co");
  EXPECT_EQ(url->Authority(), "cdn-lfs.huggingface.co:443");
  auto local = ParseHubUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->target, "/");
  EXPECT_EQ(local->HostHeader(), "127.0.0.1:8080");
  EXPECT_FALSE(ParseHubUrl("ftp://x/").ok());
  EXPECT_FALSE(ParseHubUrl("https://user:pw@x/").ok());
  EXPECT_FALSE(ParseHubUrl("https://x/a#frag").ok());
  EXPECT_FALSE(ParseHubUrl("https://x/a b").ok());
}

TEST(HubUrlTest, ResolvesRedirects) {
  auto base = ParseHubUrl("https://huggingface.co/org/x/resolve/abc/model.safetensors");
  ASSERT_TRUE(base.ok());
  auto relative = ResolveHubRedirect(*base, "/api/resolve-cache/models/x?y=1");
  ASSERT_TRUE(relative.ok());
  EXPECT_EQ(relative->host, "huggingface.co");
  EXPECT_EQ(relative->target, "/api/resolve-cache/models/x?y=1");
  auto absolute = ResolveHubRedirect(*base, "https://cas-bridge.xethub.hf.co/x");
  ASSERT_TRUE(absolute.ok());
  EXPECT_EQ(absolute->host, "cas-bridge.xethub.hf.co");
  EXPECT_FALSE(ResolveHubRedirect(*base, "").ok());
  EXPECT_FALSE(ResolveHubRedirect(*base, "//evil.example/x").ok());
}

TEST(HubUrlTest, PlainHttpOnlyToLoopback) {
  EXPECT_TRUE(CheckHubTransport(*ParseHubUrl("http://127.0.0.1:1/")).ok());
  EXPECT_TRUE(CheckHubTransport(*ParseHubUrl("https://huggingface.co/")).ok());
  EXPECT_EQ(CheckHubTransport(*ParseHubUrl("http://huggingface.co/")).code(),
            StatusCode::kPermissionDenied);
}

TEST(HubUrlTest, AllowlistMatchesHostsAndPorts) {
  HostAllowlist allow;
  allow.Add("cdn-lfs.huggingface.co");
  allow.Add("127.0.0.1:9000");
  EXPECT_TRUE(allow.Allows(*ParseHubUrl("https://CDN-LFS.huggingface.co/x")));
  EXPECT_FALSE(allow.Allows(*ParseHubUrl("https://cdn-lfs.huggingface.co:8443/x")));
  EXPECT_FALSE(allow.Allows(*ParseHubUrl("https://cdn-lfs.huggingface.co.evil.example/x")));
  EXPECT_TRUE(allow.Allows(*ParseHubUrl("http://127.0.0.1:9000/x")));
  EXPECT_FALSE(allow.Allows(*ParseHubUrl("http://127.0.0.1:9001/x")));
}

TEST(HubUrlTest, PercentEncodesPaths) {
  EXPECT_EQ(PercentEncodePath("a b/c+d.json"), "a%20b/c%2Bd.json");
  EXPECT_EQ(PercentEncodePath("x?y#z"), "x%3Fy%23z");
}

}  // namespace
}  // namespace bastion::model
