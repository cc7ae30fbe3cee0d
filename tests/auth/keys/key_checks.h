#pragma once
// Test helpers: ask a KeyDirectory about a key, now or once its poll has caught up.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#include "auth/keys/key_directory.h"

namespace bastion::auth {

inline KeyCheck CheckKey(const KeyDirectory& dir, const ApiKey& key, int64_t now = 100) {
  std::shared_ptr<const KeyDirectory::Snapshot> holder;
  const KeyRecord* record = nullptr;
  KeyCheck c = dir.Check(key, now, &holder, &record);
  if (c == KeyCheck::kOk) {
    EXPECT_EQ(record->id, key.id);
  }
  return c;
}

// Polls until `want` or about two seconds pass.
inline KeyCheck EventuallyCheck(const KeyDirectory& dir, const ApiKey& key, KeyCheck want) {
  KeyCheck got = CheckKey(dir, key);
  for (int i = 0; i < 200 && got != want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    got = CheckKey(dir, key);
  }
  return got;
}

}  // namespace bastion::auth
