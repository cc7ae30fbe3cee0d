#include "auth/keys/key_directory.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "auth/keys/key_checks.h"
#include "common/temp_dir.h"

namespace bastion::auth {
namespace {

KeySpec Spec(int64_t expires_at = 0) {
  KeySpec s;
  s.name = "k";
  s.role = Role::kUser;
  s.expires_at = expires_at;
  return s;
}

TEST(KeyDirectory, SeesChangesFromAnotherProcessWithinAPoll) {
  testing::TempDir tmp("key-directory");
  auto dir = std::move(KeyDirectory::Open({tmp.path().string()}, Millis(50)).value());
  auto cli = std::move(OpenKeyStore({tmp.path().string()}).value());
  ApiKey key = cli->Create(Spec(), "cli", 1).value();
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(EventuallyCheck(*dir, key, KeyCheck::kOk), KeyCheck::kOk);
  ASSERT_TRUE(cli->Revoke(key.id, 2).ok());
  EXPECT_EQ(EventuallyCheck(*dir, key, KeyCheck::kRevoked), KeyCheck::kRevoked);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(KeyDirectory, ClassifiesEveryFailure) {
  testing::TempDir tmp("key-directory");
  auto dir = std::move(KeyDirectory::Open({tmp.path().string()}, Millis(10'000)).value());
  ApiKey live, expiring;
  ASSERT_TRUE(dir->Modify([&](KeyStore& s) {
                   live = s.Create(Spec(), "cli", 1).value();
                   expiring = s.Create(Spec(150), "cli", 1).value();
                   return Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(CheckKey(*dir, live), KeyCheck::kOk);
  EXPECT_EQ(CheckKey(*dir, expiring, 149), KeyCheck::kOk);
  EXPECT_EQ(CheckKey(*dir, expiring, 150), KeyCheck::kExpired);
  ApiKey wrong_secret = live;
  wrong_secret.secret[0] = wrong_secret.secret[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(CheckKey(*dir, wrong_secret), KeyCheck::kBadSecret);
  EXPECT_EQ(CheckKey(*dir, GenerateApiKey()), KeyCheck::kUnknown);
  // A revoked key with a wrong secret says only "bad secret": state is for secret holders.
  ASSERT_TRUE(dir->Modify([&](KeyStore& s) { return s.Revoke(live.id, 5); }).ok());
  EXPECT_EQ(CheckKey(*dir, live), KeyCheck::kRevoked);
  EXPECT_EQ(CheckKey(*dir, wrong_secret), KeyCheck::kBadSecret);
}

TEST(KeyDirectory, ConcurrentChecksDuringReloadsAreSafe) {
  testing::TempDir tmp("key-directory");
  auto dir = std::move(KeyDirectory::Open({tmp.path().string()}, Millis(1)).value());
  ApiKey key;
  ASSERT_TRUE(dir->Modify([&](KeyStore& s) {
                   key = s.Create(Spec(), "cli", 1).value();
                   return Status::Ok();
                 })
                  .ok());
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0};
  std::thread reader([&] {
    while (!stop) ok += CheckKey(*dir, key) == KeyCheck::kOk;
  });
  auto cli = std::move(OpenKeyStore({tmp.path().string()}).value());
  for (int i = 0; i < 30; ++i) cli->Create(Spec(), "cli", 1).value();
  stop = true;
  reader.join();
  EXPECT_GT(ok.load(), 0);
}

}  // namespace
}  // namespace bastion::auth
