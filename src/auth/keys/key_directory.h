#pragma once
// The gateway's view of the key store: every key in memory, found by id in O(1), reloaded
// within `poll` of any change another process commits (the `keys` CLI, another gateway; with
// PostgreSQL, on any host), and at once after changes made through this directory (the admin
// API).
//
// Thread-safe. Lookups never touch the database.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "auth/keys/key_store.h"
#include "common/duration.h"

namespace bastion::auth {

enum class KeyCheck { kOk, kUnknown, kBadSecret, kRevoked, kExpired };
std::string_view KeyCheckName(KeyCheck check);  // "ok", "unknown_key", "bad_secret", ...

class KeyDirectory {
 public:
  using Snapshot = std::unordered_map<std::string, KeyRecord>;

  // Opens the store `where` names (SQLite in the data directory, or PostgreSQL).
  static Result<std::unique_ptr<KeyDirectory>> Open(const KeyStoreLocation& where,
                                                    Millis poll = Millis(250));
  ~KeyDirectory();

  // Checks a parsed key; on kOk, `*record` points into `*holder`, which keeps it alive.
  KeyCheck Check(const ApiKey& key, int64_t now_unix, std::shared_ptr<const Snapshot>* holder,
                 const KeyRecord** record) const;
  // Runs `change` on the store under the directory's lock, then reloads.
  Status Modify(const std::function<Status(KeyStore&)>& change);
  // Every stored key, read under the directory's lock (no reload).
  Result<std::vector<KeyRecord>> List();

 private:
  explicit KeyDirectory(std::unique_ptr<KeyStore> store);
  Status ReloadLocked();  // REQUIRES: store_mu_ held
  void PollLoop(Millis poll);

  mutable std::mutex snapshot_mu_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::mutex store_mu_;
  std::unique_ptr<KeyStore> store_;
  int64_t data_version_ = -1;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread poller_;
};

}  // namespace bastion::auth
