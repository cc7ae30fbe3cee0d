#include "audit/content_box.h"

#include <sodium.h>

#include <filesystem>

#include "audit/key_file.h"

namespace bastion::audit {
namespace {

constexpr std::string_view kPrefix = "sealed:v1:";

void InitSodium() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

AuditorKeyPair MakeAuditorKeyPair() {
  InitSodium();
  AuditorKeyPair pair;
  pair.public_key.resize(crypto_box_PUBLICKEYBYTES);
  pair.secret_key.resize(crypto_box_SECRETKEYBYTES);
  crypto_box_keypair(reinterpret_cast<unsigned char*>(pair.public_key.data()),
                     reinterpret_cast<unsigned char*>(pair.secret_key.data()));
  return pair;
}

std::string AuditorPublicKey(std::string_view secret_key) {
  InitSodium();
  std::string public_key(crypto_box_PUBLICKEYBYTES, '\0');
  if (secret_key.size() == crypto_box_SECRETKEYBYTES) {
    crypto_scalarmult_base(reinterpret_cast<unsigned char*>(public_key.data()), Bytes(secret_key));
  }
  return public_key;
}

Status WriteAuditorKeyPair(const AuditorKeyPair& pair, const std::string& prefix) {
  for (const char* suffix : {".pub", ".key"}) {
    if (std::filesystem::exists(prefix + suffix)) {
      return Status::AlreadyExists(prefix + suffix + " exists; choose another --out");
    }
  }
  if (Status st = WriteKeyFile(prefix + ".key", pair.secret_key, "auditor secret key"); !st.ok()) {
    return st;
  }
  return WriteKeyFile(prefix + ".pub", pair.public_key, "auditor public key");
}

std::string Seal(std::string_view public_key, std::string_view plaintext) {
  InitSodium();
  std::string box(plaintext.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(box.data()), Bytes(plaintext), plaintext.size(),
                  Bytes(public_key));
  std::string out(kPrefix);
  size_t encoded = sodium_base64_ENCODED_LEN(box.size(), sodium_base64_VARIANT_ORIGINAL);
  size_t at = out.size();
  out.resize(at + encoded);
  sodium_bin2base64(out.data() + at, encoded, Bytes(box), box.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(at + encoded - 1);  // the terminating NUL
  return out;
}

Result<std::string> Unseal(std::string_view public_key, std::string_view secret_key,
                           std::string_view sealed) {
  InitSodium();
  if (!sealed.starts_with(kPrefix)) {
    return Status::InvalidArgument("content is not sealed (no \"sealed:v1:\" prefix)");
  }
  if (public_key.size() != crypto_box_PUBLICKEYBYTES ||
      secret_key.size() != crypto_box_SECRETKEYBYTES) {
    return Status::InvalidArgument("auditor keys must be 32 bytes each");
  }
  sealed.remove_prefix(kPrefix.size());
  std::string box(sealed.size(), '\0');
  size_t box_len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed.data(),
                        sealed.size(), nullptr, &box_len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      box_len < crypto_box_SEALBYTES) {
    return Status::InvalidArgument("sealed content is not valid base64");
  }
  std::string plain(box_len - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()), Bytes(box), box_len,
                           Bytes(public_key), Bytes(secret_key)) != 0) {
    return Status::PermissionDenied("this key does not open the content (sealed to another key?)");
  }
  return plain;
}

}  // namespace bastion::audit
