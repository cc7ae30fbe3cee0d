#pragma once
// Where API keys are stored: an interface with two implementations. SqliteKeyStore keeps them
// in the data directory (gateways on one host share it); PostgresKeyStore in a PostgreSQL
// database (gateways on several hosts share it). Either way secrets are stored only as
// KeyHasher hashes, and values reach SQL only as bound parameters.
//
// Not thread-safe: one KeyStore per thread (the gateway serializes admin writes).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "auth/keys/api_key.h"
#include "auth/keys/key_hasher.h"
#include "auth/keys/key_record.h"
#include "common/status.h"

namespace bastion {
struct Config;
}  // namespace bastion

namespace bastion::auth {

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // Stores a new key; returns it with its secret, which is never shown again.
  virtual Result<ApiKey> Create(const KeySpec& spec, const std::string& created_by,
                                int64_t now_unix) = 0;
  virtual Result<std::vector<KeyRecord>> List() = 0;
  virtual Result<KeyRecord> Get(const std::string& id) = 0;
  // NotFound for an unknown id; revoking twice is not an error.
  virtual Status Revoke(const std::string& id, int64_t now_unix) = 0;
  // A new secret for the same id and rights; the old secret stops working at once.
  // FailedPrecondition for a revoked key.
  virtual Result<ApiKey> Rotate(const std::string& id) = 0;
  // Changes whenever another connection (another process or host too) commits a change; it
  // may also change after this store's own writes.
  virtual Result<int64_t> DataVersion() = 0;

  virtual const KeyHasher& hasher() const = 0;
};

// Which store to open. The data directory is always needed: it holds the pepper (unless
// `pepper_file` names another place) and, without `postgres_url`, keys.db.
struct KeyStoreLocation {
  std::string data_dir;
  std::string postgres_url;  // postgresql://...; empty: SQLite in data_dir
  std::string pepper_file;   // empty: DATA_DIR/auth-pepper

  std::string PepperPath() const;
};

// server.data_dir, auth.key_store_url and auth.pepper_file.
KeyStoreLocation KeyStoreLocationFor(const Config& config);

// Opens (and creates when absent) the store `where` names. Unavailable when PostgreSQL
// cannot be reached; the message names the host, never the password.
Result<std::unique_ptr<KeyStore>> OpenKeyStore(const KeyStoreLocation& where);

}  // namespace bastion::auth
