#include "audit/store.h"

#include <filesystem>

namespace bastion::audit {

Result<std::unique_ptr<Store>> OpenStore(const std::string& store_url, const std::string& data_dir,
                                         bool read_only) {
  if (store_url.empty()) {
    return OpenSqliteStore((std::filesystem::path(data_dir) / "audit.db").string(), read_only);
  }
  if (store_url.starts_with("postgresql://") || store_url.starts_with("postgres://")) {
    return OpenPostgresStore(store_url);
  }
  return Status::InvalidArgument(
      "audit.store_url must be a postgresql:// URL, or empty for SQLite in the data directory");
}

}  // namespace bastion::audit
