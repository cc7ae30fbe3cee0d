#pragma once
// API keys in a PostgreSQL database, for gateways on several hosts: the same api_keys table
// as SqliteKeyStore, plus api_keys_version, a one-row counter every write bumps in its own
// transaction, so DataVersion() moves for every connection on every host (PostgreSQL has no
// equivalent of SQLite's PRAGMA data_version). The pepper stays a file: every replica needs
// a copy of the same one.
//
// Not thread-safe: one PostgresKeyStore per thread.

#include <memory>

#include "auth/keys/key_store.h"
#include "auth/keys/pg_connection.h"

namespace bastion::auth {

class PostgresKeyStore final : public KeyStore {
 public:
  // Connects to `where.postgres_url` and creates the tables when absent. FailedPrecondition
  // when the store already holds keys but this host has no pepper file: a fresh pepper would
  // silently fail every key.
  static Result<std::unique_ptr<KeyStore>> Open(const KeyStoreLocation& where);

  Result<ApiKey> Create(const KeySpec& spec, const std::string& created_by,
                        int64_t now_unix) override;
  Result<std::vector<KeyRecord>> List() override;
  Result<KeyRecord> Get(const std::string& id) override;
  Status Revoke(const std::string& id, int64_t now_unix) override;
  Result<ApiKey> Rotate(const std::string& id) override;
  Result<int64_t> DataVersion() override;
  const KeyHasher& hasher() const override { return *hasher_; }

 private:
  explicit PostgresKeyStore(std::unique_ptr<PgConnection> db);
  Status CreateSchema();
  Status BumpVersion();

  std::unique_ptr<PgConnection> db_;
  std::unique_ptr<KeyHasher> hasher_;
};

}  // namespace bastion::auth
