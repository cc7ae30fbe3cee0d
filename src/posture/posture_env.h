#pragma once
// What doctor's config checks read besides the config itself: the clock, files (the red-team
// report, the TLS certificate) and which roles the stored API keys hold. RealPostureEnv reads
// this machine; tests give a fake. Nothing here writes: doctor leaves the deployment untouched.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/config.h"
#include "common/status.h"

namespace bastion::posture {

// The API keys callers hold, by role.
struct KeyInventory {
  bool inspected = false;                     // false: the store was not read (see `note`)
  std::string note;                           // where the keys were read from, or why they were not
  std::map<std::string, int> active_by_role;  // unrevoked, unexpired keys per role name
};

class PostureEnv {
 public:
  virtual ~PostureEnv() = default;
  virtual int64_t NowUnixMs() const = 0;
  // The whole file. NotFound when it does not exist, IoError when it cannot be read.
  virtual Result<std::string> ReadFile(const std::string& path) const = 0;
  // The keys in the store `config` names. Never creates a store: a data directory without
  // keys.db has no keys, and a PostgreSQL store is not contacted.
  virtual KeyInventory Keys(const Config& config) const = 0;
};

std::unique_ptr<PostureEnv> NewRealPostureEnv();

}  // namespace bastion::posture
