// One suite, every store: SqliteKeyStore and PostgresKeyStore must keep the KeyStore contract
// alike. The PostgreSQL runs use a throwaway server and skip when PostgreSQL is not installed.
#include "auth/keys/key_store.h"

#include <gtest/gtest.h>
#include <postgresql/libpq-fe.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <memory>

#include "common/postgres_server.h"
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

// One PostgreSQL server for the whole test program, started on first use.
testing::PostgresServer& SharedPostgres(Status* started) {
  static testing::PostgresServer server;
  static Status status = server.Start();
  *started = status;
  return server;
}

// Each test starts from empty tables.
void DropKeyTables(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PQclear(PQexec(conn, "DROP TABLE IF EXISTS api_keys, api_keys_version"));
  PQfinish(conn);
}

class KeyStoreConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    where_.data_dir = dir_.path().string();
    if (GetParam() != "postgres") return;
    Status started;
    testing::PostgresServer& server = SharedPostgres(&started);
    if (started.code() == StatusCode::kNotFound) GTEST_SKIP() << started.message();
    ASSERT_TRUE(started.ok()) << started.message();
    where_.postgres_url = server.url();
    DropKeyTables(where_.postgres_url);
  }

  // Another connection to the same store each time.
  std::unique_ptr<KeyStore> Open() {
    auto store = OpenKeyStore(where_);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  testing::TempDir dir_{"key-store"};
  KeyStoreLocation where_;
};

INSTANTIATE_TEST_SUITE_P(Stores, KeyStoreConformanceTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

TEST_P(KeyStoreConformanceTest, CreateListGetRoundTrip) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto key = store->Create(UserSpec("ci"), "cli", 1000);
  ASSERT_TRUE(key.ok());
  auto list = store->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const KeyRecord& r = list->front();
  EXPECT_EQ(r.id, key->id);
  EXPECT_EQ(r.spec.name, "ci");
  EXPECT_EQ(r.spec.role, Role::kUser);
  EXPECT_EQ(r.spec.models, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(r.spec.limits.requests_per_minute, 60);
  EXPECT_EQ(r.spec.limits.tokens_per_minute, 1000);
  EXPECT_EQ(r.spec.limits.daily_tokens, 100000);
  EXPECT_EQ(r.spec.limits.concurrent, 2);
  EXPECT_EQ(r.spec.limits.max_tokens, 512);
  EXPECT_EQ(r.spec.expires_at, 2'000'000'000);
  EXPECT_EQ(r.created_at, 1000);
  EXPECT_EQ(r.created_by, "cli");
  EXPECT_FALSE(r.revoked());
  EXPECT_TRUE(store->hasher().Matches(key->secret, r.secret_hash));
  EXPECT_EQ(store->Get(key->id).value().spec.name, "ci");
}

TEST_P(KeyStoreConformanceTest, AKeyWithoutModelsMeansEveryModel) {
  auto store = Open();
  ASSERT_TRUE(store);
  KeySpec spec = UserSpec("all");
  spec.models.clear();
  ApiKey key = store->Create(spec, "cli", 1).value();
  EXPECT_TRUE(store->Get(key.id).value().spec.models.empty());
}

TEST_P(KeyStoreConformanceTest, RevokeAndRotate) {
  auto store = Open();
  ASSERT_TRUE(store);
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

TEST_P(KeyStoreConformanceTest, SqlInjectionShapedIdsFindNothingAndChangeNothing) {
  auto store = Open();
  ASSERT_TRUE(store);
  store->Create(UserSpec("a"), "cli", 1).value();
  store->Create(UserSpec("b"), "cli", 1).value();
  for (const char* id : {"' OR '1'='1", "x'; DROP TABLE api_keys; --", "\" OR 1=1 --", "%", "*",
                         "a' UNION SELECT secret_hash FROM api_keys --", "$1", "1); --"}) {
    EXPECT_EQ(store->Get(id).status().code(), StatusCode::kNotFound) << id;
    EXPECT_EQ(store->Revoke(id, 5).code(), StatusCode::kNotFound) << id;
    EXPECT_EQ(store->Rotate(id).status().code(), StatusCode::kNotFound) << id;
  }
  auto list = store->List().value();
  ASSERT_EQ(list.size(), 2u);
  for (const auto& r : list) EXPECT_FALSE(r.revoked());
}

TEST_P(KeyStoreConformanceTest, NamesWithQuotesAreStoredVerbatim) {
  auto store = Open();
  ASSERT_TRUE(store);
  for (const char* name : {"Robert'); DROP TABLE api_keys;--", "it's \"quoted\" \\ $1 %s"}) {
    KeySpec spec = UserSpec(name);
    ApiKey key = store->Create(spec, "O'Brien", 1).value();
    KeyRecord r = store->Get(key.id).value();
    EXPECT_EQ(r.spec.name, spec.name);
    EXPECT_EQ(r.created_by, "O'Brien");
  }
  EXPECT_EQ(store->List().value().size(), 2u);
}

TEST_P(KeyStoreConformanceTest, DataVersionMovesWhenAnotherConnectionWrites) {
  auto watcher = Open();
  auto writer = Open();
  ASSERT_TRUE(watcher && writer);
  int64_t before = watcher->DataVersion().value();
  EXPECT_EQ(watcher->DataVersion().value(), before);
  ApiKey key = writer->Create(UserSpec("x"), "cli", 1).value();
  int64_t created = watcher->DataVersion().value();
  EXPECT_NE(created, before);
  ASSERT_TRUE(writer->Rotate(key.id).ok());
  int64_t rotated = watcher->DataVersion().value();
  EXPECT_NE(rotated, created);
  ASSERT_TRUE(writer->Revoke(key.id, 2).ok());
  EXPECT_NE(watcher->DataVersion().value(), rotated);
}

TEST_P(KeyStoreConformanceTest, ConnectionsShareOnePepper) {
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(first && second);
  ApiKey key = first->Create(UserSpec("x"), "cli", 1).value();
  EXPECT_TRUE(second->hasher().Matches(key.secret, second->Get(key.id).value().secret_hash));
}

TEST(SqliteKeyStore, TheSecretIsNeverStoredInTheClear) {
  testing::TempDir dir("key-store");
  std::string secret;
  {
    auto store = OpenKeyStore({dir.path().string()});
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

TEST(SqliteKeyStore, APepperFileElsewhereIsUsedAndTheDefaultOneIsNotMade) {
  testing::TempDir dir("key-store");
  dir.Write("shared/pepper", std::string(32, 'p'));
  KeyStoreLocation where{(dir / "data").string(), "", (dir / "shared/pepper").string()};
  auto store = OpenKeyStore(where);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ApiKey key = (*store)->Create(UserSpec("x"), "cli", 1).value();
  auto same = KeyHasher::FromPepper(std::string(32, 'p'));
  EXPECT_TRUE(same->Matches(key.secret, (*store)->Get(key.id).value().secret_hash));
  EXPECT_FALSE(std::filesystem::exists(dir / "data/auth-pepper"));
}

}  // namespace
}  // namespace bastion::auth
