// The [auth] section's key store settings: read as written, and a URL that is not
// PostgreSQL's refused before anything tries to connect.
#include <gtest/gtest.h>

#include "common/config.h"

namespace bastion {
namespace {

TEST(AuthConfigTest, KeyStoreUrlAndPepperFileAreRead) {
  auto c = ParseConfig(R"(
[auth]
key_store_url = "postgresql://bastion:pw@db:5432/keys"
pepper_file = "/etc/bastion/auth-pepper"
)",
                       "test.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->auth.key_store_url, "postgresql://bastion:pw@db:5432/keys");
  EXPECT_EQ(c->auth.pepper_file, "/etc/bastion/auth-pepper");
  EXPECT_TRUE(ValidateConfig(*c).ok());
}

TEST(AuthConfigTest, KeyStoreUrlMustBePostgres) {
  Config c;
  for (const char* ok : {"postgresql://h/db", "postgres://u@h:5433/db?sslmode=require"}) {
    c.auth.key_store_url = ok;
    EXPECT_TRUE(ValidateAuthConfig(c).ok()) << ok;
  }
  for (const char* bad : {"mysql://h/db", "host=h dbname=db", "h:5432/db", "sqlite://x"}) {
    c.auth.key_store_url = bad;
    Status st = ValidateAuthConfig(c);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(st.message().find("key_store_url"), std::string::npos);
  }
}

}  // namespace
}  // namespace bastion
