#pragma once
// One API key as stored: everything but the secret, which exists only as a keyed hash.

#include <cstdint>
#include <string>
#include <vector>

#include "auth/identity.h"

namespace bastion::auth {

// What a key may do: the part of a key a creator chooses, and the part key grants compare.
struct KeySpec {
  std::string name;
  Role role = Role::kUser;
  std::vector<std::string> models;  // empty: every model its role may use
  Limits limits;
  int64_t expires_at = 0;  // Unix seconds; 0: never
};

struct KeyRecord {
  std::string id;
  KeySpec spec;
  std::string secret_hash;  // KeyHasher::Hash of the secret
  int64_t created_at = 0;   // Unix seconds
  int64_t revoked_at = 0;   // 0: not revoked
  std::string created_by;   // "cli", or the creating identity's subject

  bool revoked() const { return revoked_at != 0; }
  bool ExpiredAt(int64_t now_unix) const {
    return spec.expires_at != 0 && now_unix >= spec.expires_at;
  }
};

}  // namespace bastion::auth
