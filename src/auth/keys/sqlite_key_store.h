#pragma once
// API keys in the data directory's SQLite database (DATA_DIR/keys.db, WAL mode), shared by
// the `keys` CLI and every gateway process on the host. All statements are prepared with
// bound parameters; ids are validated before they reach SQL anyway.
//
// Not thread-safe: one SqliteKeyStore per thread.

#include <memory>

#include "auth/keys/key_store.h"

struct sqlite3;

namespace bastion::auth {

class SqliteKeyStore final : public KeyStore {
 public:
  // Creates the directory (mode 0700), the database and its schema when absent.
  static Result<std::unique_ptr<KeyStore>> Open(const KeyStoreLocation& where);
  ~SqliteKeyStore() override;

  Result<ApiKey> Create(const KeySpec& spec, const std::string& created_by,
                        int64_t now_unix) override;
  Result<std::vector<KeyRecord>> List() override;
  Result<KeyRecord> Get(const std::string& id) override;
  Status Revoke(const std::string& id, int64_t now_unix) override;
  Result<ApiKey> Rotate(const std::string& id) override;
  // PRAGMA data_version: changes only when another connection commits.
  Result<int64_t> DataVersion() override;
  const KeyHasher& hasher() const override { return *hasher_; }

 private:
  SqliteKeyStore(sqlite3* db, std::unique_ptr<KeyHasher> hasher);
  Status Exec(const char* sql);

  sqlite3* db_;
  std::unique_ptr<KeyHasher> hasher_;
};

}  // namespace bastion::auth
