// What only the PostgreSQL store does: gateways with different data directories share keys,
// a connection lost to a restart comes back, and its password never reaches a message. The
// shared contract is in key_store_test.cc.
#include "auth/keys/postgres_key_store.h"
#include "auth/keys/pg_connection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "auth/keys/key_checks.h"
#include "auth/keys/key_directory.h"
#include "common/postgres_server.h"
#include "common/temp_dir.h"

namespace bastion::auth {
namespace {

constexpr const char* kPassword = "s3cr3t-P@ss";
constexpr const char* kEscapedPassword = "s3cr3t-P%40ss";

class PostgresKeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = server_.Start();
    if (started.code() == StatusCode::kNotFound) GTEST_SKIP() << started.message();
    ASSERT_TRUE(started.ok()) << started.message();
    dir_.Write("pepper", std::string(32, 'p'));
  }

  // A replica: its own data directory, the shared database and pepper file.
  KeyStoreLocation Replica(const std::string& name) const {
    return {(dir_ / name).string(), server_.url(kEscapedPassword), (dir_ / "pepper").string()};
  }

  testing::PostgresServer server_;
  testing::TempDir dir_{"postgres-key-store"};
};

TEST_F(PostgresKeyStoreTest, ADirectoryOnAnotherHostSeesChangesWithinAPoll) {
  auto dir = std::move(KeyDirectory::Open(Replica("gateway"), Millis(50)).value());
  auto cli = std::move(OpenKeyStore(Replica("cli")).value());
  KeySpec spec;
  spec.name = "k";
  ApiKey key = cli->Create(spec, "cli", 1).value();
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(EventuallyCheck(*dir, key, KeyCheck::kOk), KeyCheck::kOk);
  ASSERT_TRUE(cli->Revoke(key.id, 2).ok());
  EXPECT_EQ(EventuallyCheck(*dir, key, KeyCheck::kRevoked), KeyCheck::kRevoked);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // Changes made through the directory itself show at once.
  ApiKey own;
  ASSERT_TRUE(dir->Modify([&](KeyStore& s) {
                   own = s.Create(spec, "admin", 3).value();
                   return Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(CheckKey(*dir, own), KeyCheck::kOk);
}

TEST_F(PostgresKeyStoreTest, AReplicaWithoutThePepperRefusesAStoreThatHoldsKeys) {
  auto first = std::move(OpenKeyStore(Replica("a")).value());
  KeySpec spec;
  spec.name = "k";
  first->Create(spec, "cli", 1).value();
  KeyStoreLocation lost = Replica("b");
  lost.pepper_file.clear();  // DATA_DIR/auth-pepper, which b does not have
  auto second = OpenKeyStore(lost);
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("pepper"), std::string::npos);
}

TEST_F(PostgresKeyStoreTest, ReconnectsAfterTheServerRestarts) {
  auto store = std::move(OpenKeyStore(Replica("a")).value());
  int64_t version = store->DataVersion().value();
  server_.Stop();
  auto down = store->DataVersion();
  ASSERT_FALSE(down.ok());
  ASSERT_TRUE(server_.Start().ok());
  // The first call after the restart may still meet the old socket; the next one must work.
  auto up = store->DataVersion();
  if (!up.ok()) up = store->DataVersion();
  ASSERT_TRUE(up.ok()) << up.status().message();
  EXPECT_EQ(*up, version);
}

TEST_F(PostgresKeyStoreTest, ThePasswordIsInNoMessage) {
  auto store = std::move(OpenKeyStore(Replica("a")).value());
  server_.Stop();
  std::vector<Status> failures;
  failures.push_back(store->DataVersion().status());
  failures.push_back(store->List().status());
  KeySpec spec;
  spec.name = "k";
  failures.push_back(store->Create(spec, "cli", 1).status());
  failures.push_back(OpenKeyStore(Replica("b")).status());
  failures.push_back(KeyDirectory::Open(Replica("c")).status());
  KeyStoreLocation bad = Replica("d");
  bad.postgres_url = "postgresql://bastion:" + std::string(kPassword) + "@127.0.0.1:99999/x";
  failures.push_back(OpenKeyStore(bad).status());
  bad.postgres_url = "postgresql://bastion:" + std::string(kPassword) + "@[::1/x?bogus=1";
  failures.push_back(OpenKeyStore(bad).status());
  for (const Status& st : failures) {
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.message().find(kPassword), std::string::npos) << st.message();
    EXPECT_EQ(st.message().find(kEscapedPassword), std::string::npos) << st.message();
  }
  EXPECT_EQ(failures[3].code(), StatusCode::kUnavailable) << failures[3].message();
  EXPECT_NE(failures[3].message().find("127.0.0.1:" + std::to_string(server_.port())),
            std::string::npos)
      << failures[3].message();
}

}  // namespace
}  // namespace bastion::auth

namespace bastion::auth {
namespace {

TEST_F(PostgresKeyStoreTest, StatementsAreBoundedByATimeoutUnlessTheUrlSaysOtherwise) {
  auto conn = PgConnection::Connect(server_.url(kEscapedPassword));
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  auto shown = (*conn)->Exec("SHOW statement_timeout");
  ASSERT_TRUE(shown.ok()) << shown.status().message();
  EXPECT_EQ(shown->Text(0, 0), "5s");
  auto own = PgConnection::Connect(server_.url(kEscapedPassword) +
                                   "?options=-c%20statement_timeout%3D1234");
  ASSERT_TRUE(own.ok()) << own.status().message();
  EXPECT_EQ((*own)->Exec("SHOW statement_timeout")->Text(0, 0), "1234ms");
  auto slow = (*own)->Exec("SELECT pg_sleep(3)");  // a hung database, as the gateway sees it
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.status().message().find("statement timeout"), std::string::npos)
      << slow.status().message();
}

}  // namespace
}  // namespace bastion::auth
