#pragma once
// The keyed hash API key secrets are stored as: HMAC-SHA256 under a server secret (the
// "pepper") kept in the data directory, beside but not inside the database, so a stolen
// database alone cannot be used to test guesses. The HMAC's inner and outer states are
// computed once, so hashing a secret costs two SHA-256 compressions and a copy.
//
// Thread-safe after construction.

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::auth {

class KeyHasher {
 public:
  // Reads DATA_DIR/auth-pepper, creating it (32 random bytes, mode 0600) when absent.
  static Result<std::unique_ptr<KeyHasher>> ForDataDir(const std::string& data_dir);
  // Reads the pepper at `path`, creating it when absent; its folder must exist.
  static Result<std::unique_ptr<KeyHasher>> ForPepperFile(const std::string& path);
  static std::unique_ptr<KeyHasher> FromPepper(std::string_view pepper);
  ~KeyHasher();

  // Lower-case hex of HMAC-SHA256(pepper, secret).
  std::string Hash(std::string_view secret) const;
  // Constant-time: whether `secret` hashes to `stored_hex`.
  bool Matches(std::string_view secret, std::string_view stored_hex) const;

 private:
  struct States;
  explicit KeyHasher(std::unique_ptr<States> states);
  std::unique_ptr<States> states_;
};

}  // namespace bastion::auth
