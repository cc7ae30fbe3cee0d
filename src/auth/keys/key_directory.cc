#include "auth/keys/key_directory.h"

#include <spdlog/spdlog.h>

namespace bastion::auth {

std::string_view KeyCheckName(KeyCheck check) {
  switch (check) {
    case KeyCheck::kOk:
      return "ok";
    case KeyCheck::kUnknown:
      return "unknown_key";
    case KeyCheck::kBadSecret:
      return "bad_secret";
    case KeyCheck::kRevoked:
      return "revoked_key";
    case KeyCheck::kExpired:
      return "expired_key";
  }
  return "unknown";
}

KeyDirectory::KeyDirectory(std::unique_ptr<KeyStore> store) : store_(std::move(store)) {}

Result<std::unique_ptr<KeyDirectory>> KeyDirectory::Open(const KeyStoreLocation& where,
                                                         Millis poll) {
  auto store = OpenKeyStore(where);
  if (!store.ok()) return store.status();
  std::unique_ptr<KeyDirectory> dir(new KeyDirectory(std::move(*store)));
  {
    std::lock_guard lock(dir->store_mu_);
    if (Status st = dir->ReloadLocked(); !st.ok()) return st;
  }
  dir->poller_ = std::thread([d = dir.get(), poll] { d->PollLoop(poll); });
  return dir;
}

KeyDirectory::~KeyDirectory() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (poller_.joinable()) poller_.join();
}

Status KeyDirectory::ReloadLocked() {
  auto version = store_->DataVersion();
  if (!version.ok()) return version.status();
  auto records = store_->List();
  if (!records.ok()) return records.status();
  auto snapshot = std::make_shared<Snapshot>();
  for (auto& r : *records) {
    std::string id = r.id;
    snapshot->emplace(std::move(id), std::move(r));
  }
  data_version_ = *version;
  std::lock_guard lock(snapshot_mu_);
  snapshot_ = std::move(snapshot);
  return Status::Ok();
}

void KeyDirectory::PollLoop(Millis poll) {
  std::unique_lock stop(stop_mu_);
  while (!stop_cv_.wait_for(stop, poll, [this] { return stopping_; })) {
    std::lock_guard lock(store_mu_);
    auto version = store_->DataVersion();
    if (version.ok() && *version == data_version_) continue;
    if (Status st = version.ok() ? ReloadLocked() : version.status(); !st.ok()) {
      // Keep serving with the keys already loaded; a revocation waits for the next poll.
      spdlog::warn("key store reload failed: {}", st.message());
    }
  }
}

KeyCheck KeyDirectory::Check(const ApiKey& key, int64_t now_unix,
                             std::shared_ptr<const Snapshot>* holder,
                             const KeyRecord** record) const {
  {
    std::lock_guard lock(snapshot_mu_);
    *holder = snapshot_;
  }
  auto it = (*holder)->find(key.id);
  if (it == (*holder)->end()) return KeyCheck::kUnknown;
  // The secret is checked before the state, so revocation and expiry are only revealed to
  // someone holding the real secret.
  if (!store_->hasher().Matches(key.secret, it->second.secret_hash)) return KeyCheck::kBadSecret;
  if (it->second.revoked()) return KeyCheck::kRevoked;
  if (it->second.ExpiredAt(now_unix)) return KeyCheck::kExpired;
  *record = &it->second;
  return KeyCheck::kOk;
}

Status KeyDirectory::Modify(const std::function<Status(KeyStore&)>& change) {
  std::lock_guard lock(store_mu_);
  Status changed = change(*store_);
  if (Status st = ReloadLocked(); !st.ok()) return st;
  return changed;
}

Result<std::vector<KeyRecord>> KeyDirectory::List() {
  std::lock_guard lock(store_mu_);
  return store_->List();
}

}  // namespace bastion::auth
