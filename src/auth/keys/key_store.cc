#include "auth/keys/key_store.h"

#include <filesystem>

#include "auth/keys/postgres_key_store.h"
#include "auth/keys/sqlite_key_store.h"
#include "common/config.h"

namespace bastion::auth {

std::string KeyStoreLocation::PepperPath() const {
  if (!pepper_file.empty()) return pepper_file;
  return (std::filesystem::path(data_dir) / "auth-pepper").string();
}

KeyStoreLocation KeyStoreLocationFor(const Config& config) {
  return {config.server.data_dir, config.auth.key_store_url, config.auth.pepper_file};
}

Result<std::unique_ptr<KeyStore>> OpenKeyStore(const KeyStoreLocation& where) {
  if (where.postgres_url.empty()) return SqliteKeyStore::Open(where);
  return PostgresKeyStore::Open(where);
}

}  // namespace bastion::auth
