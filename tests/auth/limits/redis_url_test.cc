#include "auth/limits/redis_url.h"

#include <gtest/gtest.h>

namespace bastion::auth {
namespace {

TEST(RedisUrlTest, ParsesHostPortAndDb) {
  auto a = ParseRedisUrl("redis://10.0.0.5:6380/2");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->db, 2);
  EXPECT_TRUE(a->password.empty());
  auto defaults = ParseRedisUrl("redis://redis.internal");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->host, "redis.internal");
  EXPECT_EQ(defaults->port, 6379);
  EXPECT_EQ(defaults->db, 0);
  auto v6 = ParseRedisUrl("redis://[::1]:7000/");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 7000);
}

TEST(RedisUrlTest, ParsesCredentialsAndNeverPrintsThem) {
  auto a = ParseRedisUrl("redis://:s3cr%40t%2F@localhost:6379/1");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->username, "");
  EXPECT_EQ(a->password, "s3cr@t/");
  EXPECT_EQ(a->ToString(), "redis://localhost:6379/1");
  auto acl = ParseRedisUrl("redis://gateway:pw@localhost");
  ASSERT_TRUE(acl.ok());
  EXPECT_EQ(acl->username, "gateway");
  EXPECT_EQ(acl->password, "pw");
}

TEST(RedisUrlTest, ParsesUnixSockets) {
  auto a = ParseRedisUrl("unix:///run/redis/redis.sock");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->unix_path, "/run/redis/redis.sock");
  EXPECT_EQ(a->ToString(), "unix:///run/redis/redis.sock");
}

TEST(RedisUrlTest, RejectsMalformedUrlsWithoutEchoingSecrets) {
  for (const char* bad :
       {"", "localhost:6379", "http://localhost", "rediss://localhost", "redis://",
        "redis://host:0", "redis://host:99999", "redis://host:port", "redis://host/x",
        "redis://host/-1", "redis://host?db=1", "redis://justuser@host", "redis://:%zz@host",
        "unix://relative.sock", "redis://[::1:6379"}) {
    auto parsed = ParseRedisUrl(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
  }
  auto secret = ParseRedisUrl("redis://:hunter2@host:notaport");
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().message().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace bastion::auth
