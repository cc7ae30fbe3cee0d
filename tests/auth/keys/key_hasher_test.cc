#include "auth/keys/key_hasher.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/temp_dir.h"

namespace bastion::auth {
namespace {

std::string OpenSslHmacHex(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
  std::string hex;
  for (unsigned i = 0; i < n; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", out[i]);
    hex += b;
  }
  return hex;
}

TEST(KeyHasher, IsHmacSha256UnderThePepper) {
  std::string pepper(32, '\x5a');
  auto hasher = KeyHasher::FromPepper(pepper);
  for (const std::string& secret :
       {std::string(), std::string("a"), std::string(64, 'f'), std::string(200, 'x')}) {
    EXPECT_EQ(hasher->Hash(secret), OpenSslHmacHex(pepper, secret));
  }
}

TEST(KeyHasher, MatchesOnlyTheRightSecret) {
  auto hasher = KeyHasher::FromPepper(std::string(32, '\x01'));
  std::string stored = hasher->Hash("secret-one");
  EXPECT_TRUE(hasher->Matches("secret-one", stored));
  EXPECT_FALSE(hasher->Matches("secret-two", stored));
  EXPECT_FALSE(hasher->Matches("secret-one", stored.substr(1)));
  EXPECT_FALSE(hasher->Matches("secret-one", ""));
  auto other = KeyHasher::FromPepper(std::string(32, '\x02'));
  EXPECT_FALSE(other->Matches("secret-one", stored));
}

TEST(KeyHasher, PepperIsCreatedOncePrivateAndReused) {
  testing::TempDir dir("key-hasher");
  auto first = KeyHasher::ForDataDir(dir.path().string());
  ASSERT_TRUE(first.ok()) << first.status().message();
  std::string pepper_path = (dir / "auth-pepper").string();
  struct stat st {};
  ASSERT_EQ(::stat(pepper_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  auto second = KeyHasher::ForDataDir(dir.path().string());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*first)->Hash("x"), (*second)->Hash("x"));
}

TEST(KeyHasher, DamagedPepperIsAnError) {
  testing::TempDir dir("key-hasher");
  std::ofstream(dir / "auth-pepper") << "short";
  auto hasher = KeyHasher::ForDataDir(dir.path().string());
  ASSERT_FALSE(hasher.ok());
  EXPECT_NE(hasher.status().message().find("damaged"), std::string::npos);
}

}  // namespace
}  // namespace bastion::auth
