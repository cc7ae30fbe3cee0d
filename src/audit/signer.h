#pragma once
// The server's checkpoint key (Ed25519, libsodium). Kept in a file of its own, mode 0600,
// made on first start; several gateways writing one trail may share it or each have their own.

#include <memory>
#include <string>
#include <string_view>

#include "audit/record.h"
#include "common/status.h"

namespace bastion::audit {

class Signer {
 public:
  // Reads the key at `path`, or makes one there (mode 0600, its directory 0700) when the file
  // does not exist. The file holds the 32-byte seed as 64 hex digits and a newline.
  static Result<std::unique_ptr<Signer>> LoadOrCreate(const std::string& path);
  // Reads an existing key; NotFound when there is none.
  static Result<std::unique_ptr<Signer>> Load(const std::string& path);

  const std::string& public_key() const { return public_key_hex_; }
  // Writes the public key (64 hex digits) beside the key file, "audit-signing.pub" for
  // "audit-signing.key", for verifiers elsewhere; keeps a file that is already there.
  Status WritePublicKey(const std::string& key_path) const;
  static std::string PublicKeyPath(const std::string& key_path);
  Checkpoint Sign(int64_t seq, std::string_view hash, int64_t time_ms) const;

 private:
  Signer() = default;
  static Result<std::unique_ptr<Signer>> FromSeed(std::string seed);
  unsigned char secret_[64];
  std::string public_key_hex_;
};

// Whether `c.signature` is `c.signer`'s signature of the checkpoint.
bool CheckpointSignatureValid(const Checkpoint& c);

}  // namespace bastion::audit
