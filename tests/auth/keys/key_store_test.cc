#include "auth/keys/key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "common/temp_dir.h"

namespace bastion::auth {
namespace {

KeySpec UserSpec(std::string name) {
  KeySpec spec;
  spec.name = std::move(name);
  spec.role = Role::kUser;
  spec.models = {"m1", "m2"};
  spec.limits = {60, 1000, 100000, 2, 512};
  spec.expires_at = 2'000'000'000;
  return spec;
}

TEST(KeyStore, CreateListGetRoundTrip) {
  testing::TempDir dir("key-store");
  auto store = KeyStore::Open(dir.path().string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto key = (*store)->Create(UserSpec("ci"), "cli", 1000);
  ASSERT_TRUE(key.ok());
  auto list = (*store)->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const KeyRecord& r = list->front();
  EXPECT_EQ(r.id, key->id);
  EXPECT_EQ(r.spec.name, "ci");
  EXPECT_EQ(r.spec.role, Role::kUser);
  EXPECT_EQ(r.spec.models, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(r.spec.limits.requests_per_minute, 60);
  EXPECT_EQ(r.spec.limits.max_tokens, 512);
  EXPECT_EQ(r.spec.expires_at, 2'000'000'000);
  EXPECT_EQ(r.created_at, 1000);
  EXPECT_EQ(r.created_by, "cli");
  EXPECT_FALSE(r.revoked());
  EXPECT_TRUE((*store)->hasher().Matches(key->secret, r.secret_hash));
}

TEST(KeyStore, TheSecretIsNeverStoredInTheClear) {
  testing::TempDir dir("key-store");
  std::string secret;
  {
    auto store = KeyStore::Open(dir.path().string());
    ASSERT_TRUE(store.ok());
    secret = (*store)->Create(UserSpec("x"), "cli", 1).value().secret;
  }
  for (const char* name : {"keys.db", "keys.db-wal"}) {
    std::ifstream in(dir / name, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(secret), std::string::npos) << name;
  }
  struct stat st {};
  ASSERT_EQ(::stat((dir / "keys.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(KeyStore, RevokeAndRotate) {
  testing::TempDir dir("key-store");
  auto store = std::move(KeyStore::Open(dir.path().string()).value());
  ApiKey key = store->Create(UserSpec("x"), "cli", 1).value();
  auto rotated = store->Rotate(key.id);
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->id, key.id);
  EXPECT_NE(rotated->secret, key.secret);
  KeyRecord r = store->Get(key.id).value();
  EXPECT_FALSE(store->hasher().Matches(key.secret, r.secret_hash));
  EXPECT_TRUE(store->hasher().Matches(rotated->secret, r.secret_hash));
  ASSERT_TRUE(store->Revoke(key.id, 50).ok());
  ASSERT_TRUE(store->Revoke(key.id, 60).ok());  // twice is fine; the first time stands
  EXPECT_EQ(store->Get(key.id).value().revoked_at, 50);
  auto again = store->Rotate(key.id);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
}

TEST(KeyStore, SqlInjectionShapedIdsFindNothingAndChangeNothing) {
  testing::TempDir dir("key-store");
  auto store = std::move(KeyStore::Open(dir.path().string()).value());
  store->Create(UserSpec("a"), "cli", 1).value();
  store->Create(UserSpec("b"), "cli", 1).value();
  for (const char* id : {"' OR '1'='1", "x'; DROP TABLE api_keys; --", "\" OR 1=1 --", "%", "*",
                         "a' UNION SELECT secret_hash FROM api_keys --"}) {
    EXPECT_EQ(store->Get(id).status().code(), StatusCode::kNotFound) << id;
    EXPECT_EQ(store->Revoke(id, 5).code(), StatusCode::kNotFound) << id;
    EXPECT_EQ(store->Rotate(id).status().code(), StatusCode::kNotFound) << id;
  }
  auto list = store->List().value();
  ASSERT_EQ(list.size(), 2u);
  for (const auto& r : list) EXPECT_FALSE(r.revoked());
}

TEST(KeyStore, NamesWithQuotesAreStoredVerbatim) {
  testing::TempDir dir("key-store");
  auto store = std::move(KeyStore::Open(dir.path().string()).value());
  KeySpec spec = UserSpec("Robert'); DROP TABLE api_keys;--");
  ApiKey key = store->Create(spec, "cli", 1).value();
  EXPECT_EQ(store->Get(key.id).value().spec.name, spec.name);
}

TEST(KeyStore, DataVersionMovesWhenAnotherConnectionWrites) {
  testing::TempDir dir("key-store");
  auto watcher = std::move(KeyStore::Open(dir.path().string()).value());
  auto writer = std::move(KeyStore::Open(dir.path().string()).value());
  int64_t before = watcher->DataVersion().value();
  EXPECT_EQ(watcher->DataVersion().value(), before);
  writer->Create(UserSpec("x"), "cli", 1).value();
  EXPECT_NE(watcher->DataVersion().value(), before);
}

}  // namespace
}  // namespace bastion::auth
