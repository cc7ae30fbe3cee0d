#pragma once
// API keys in the data directory's SQLite database (DATA_DIR/keys.db, WAL mode), shared by
// the `keys` CLI and every gateway process on the host. All statements are prepared with
// bound parameters; ids are validated before they reach SQL anyway.
//
// Not thread-safe: one KeyStore per thread (the gateway serializes admin writes).

#include <memory>
#include <string>
#include <vector>

#include "auth/keys/api_key.h"
#include "auth/keys/key_hasher.h"
#include "auth/keys/key_record.h"
#include "common/status.h"

struct sqlite3;

namespace bastion::auth {

class KeyStore {
 public:
  // Creates the directory (mode 0700), the database and its schema when absent.
  static Result<std::unique_ptr<KeyStore>> Open(const std::string& data_dir);
  ~KeyStore();

  // Stores a new key; returns it with its secret, which is never shown again.
  Result<ApiKey> Create(const KeySpec& spec, const std::string& created_by, int64_t now_unix);
  Result<std::vector<KeyRecord>> List();
  Result<KeyRecord> Get(const std::string& id);
  // NotFound for an unknown id; revoking twice is not an error.
  Status Revoke(const std::string& id, int64_t now_unix);
  // A new secret for the same id and rights; the old secret stops working at once.
  // FailedPrecondition for a revoked key.
  Result<ApiKey> Rotate(const std::string& id);
  // Changes whenever any connection (another process too) commits a change.
  Result<int64_t> DataVersion();

  const KeyHasher& hasher() const { return *hasher_; }

 private:
  KeyStore(sqlite3* db, std::unique_ptr<KeyHasher> hasher);
  Status Exec(const char* sql);

  sqlite3* db_;
  std::unique_ptr<KeyHasher> hasher_;
};

}  // namespace bastion::auth
