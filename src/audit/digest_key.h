#pragma once
// Keyed digests (HMAC-SHA256, truncated to 128 bits, hex): repeated prompts, completions and
// client addresses correlate across events and gateways sharing the key, without being readable
// or guessable from the trail alone.

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::audit {

class DigestKey {
 public:
  // Reads the 32-byte key at `path` (64 hex digits), or makes one there (0600).
  static Result<DigestKey> LoadOrCreate(const std::string& path);
  explicit DigestKey(std::string key);

  // 32 hex digits. Thread-safe.
  std::string Digest(std::string_view text) const;

 private:
  // An HMAC context keyed once; each digest works on a copy of it.
  std::shared_ptr<void> keyed_;
};

}  // namespace bastion::audit
