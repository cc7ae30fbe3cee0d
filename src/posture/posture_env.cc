#include "posture/posture_env.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/event.h"
#include "auth/keys/key_store.h"

namespace bastion::posture {
namespace {

namespace fs = std::filesystem;

// Opens the SQLite store only when it and its pepper exist, so nothing is created. Opening
// re-applies what serve applies at every start (0700 data directory, 0600 keys.db, WAL).
KeyInventory SqliteKeys(const auth::KeyStoreLocation& where, int64_t now_unix) {
  KeyInventory inv;
  const fs::path db = fs::path(where.data_dir) / "keys.db";
  std::error_code ec;
  if (!fs::exists(db, ec)) {
    inv.inspected = true;
    inv.note = "no key store at " + db.string() + ": no API keys exist";
    return inv;
  }
  if (!fs::exists(where.PepperPath(), ec)) {
    inv.note = db.string() + " exists but its pepper " + where.PepperPath() + " does not";
    return inv;
  }
  auto store = auth::OpenKeyStore(where);
  if (!store.ok()) {
    inv.note = "cannot read " + db.string() + ": " + store.status().message();
    return inv;
  }
  auto keys = (*store)->List();
  if (!keys.ok()) {
    inv.note = "cannot list keys in " + db.string() + ": " + keys.status().message();
    return inv;
  }
  inv.inspected = true;
  inv.note = "keys in " + db.string();
  for (const auth::KeyRecord& k : *keys) {
    if (k.revoked() || k.ExpiredAt(now_unix)) continue;
    ++inv.active_by_role[std::string(auth::RoleName(k.spec.role))];
  }
  return inv;
}

class RealPostureEnv : public PostureEnv {
 public:
  int64_t NowUnixMs() const override { return audit::UnixMillisNow(); }

  Result<std::string> ReadFile(const std::string& path) const override {
    std::error_code ec;
    if (!fs::exists(path, ec)) return Status::NotFound(path + ": no such file");
    if (!fs::is_regular_file(path, ec)) return Status::IoError(path + ": not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::IoError(path + ": cannot be read (permissions?)");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  KeyInventory Keys(const Config& config) const override {
    const auth::KeyStoreLocation where = auth::KeyStoreLocationFor(config);
    if (!where.postgres_url.empty()) {
      return {
          false, "keys are in PostgreSQL (auth.key_store_url), which doctor does not contact", {}};
    }
    return SqliteKeys(where, NowUnixMs() / 1000);
  }
};

}  // namespace

std::unique_ptr<PostureEnv> NewRealPostureEnv() { return std::make_unique<RealPostureEnv>(); }

}  // namespace bastion::posture
