#pragma once
// Content under the "encrypted" policy: a libsodium sealed box to the auditor's X25519 public
// key. The server holds only the public key, so it can write content it cannot read back;
// `bastion audit decrypt --secret-key FILE` opens it with the auditor's secret key.
//
// Key files hold 64 hex digits and a newline: "auditor.pub" the public key, "auditor.key" the
// secret key (mode 0600).

#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::audit {

struct AuditorKeyPair {
  std::string public_key;  // 32 bytes
  std::string secret_key;  // 32 bytes
};

AuditorKeyPair MakeAuditorKeyPair();
// The public key that belongs to `secret_key`.
std::string AuditorPublicKey(std::string_view secret_key);
// Writes `<prefix>.pub` and `<prefix>.key` (key_file.h; the secret 0600); refuses to
// overwrite either.
Status WriteAuditorKeyPair(const AuditorKeyPair& pair, const std::string& prefix);

// "sealed:v1:" + base64 of the sealed box of `plaintext`.
std::string Seal(std::string_view public_key, std::string_view plaintext);
// The plaintext; InvalidArgument when `sealed` is not ours or the key does not open it.
Result<std::string> Unseal(std::string_view public_key, std::string_view secret_key,
                           std::string_view sealed);

}  // namespace bastion::audit
