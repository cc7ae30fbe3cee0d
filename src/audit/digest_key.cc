#include "audit/digest_key.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "audit/key_file.h"
#include "common/hex.h"

namespace bastion::audit {
namespace {

constexpr size_t kDigestBytes = 16;

std::string FreshKey() {
  std::string key(32, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size()));
  return key;
}

EVP_MAC_CTX* NewContext(const std::string& key) {
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac);
  EVP_MAC_free(hmac);  // the context holds its own reference
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params);
  return ctx;
}

}  // namespace

Result<DigestKey> DigestKey::LoadOrCreate(const std::string& path) {
  auto key = ReadOrCreateKeyFile(path, &FreshKey, "audit digest key");
  if (!key.ok()) return key.status();
  return DigestKey(std::move(*key));
}

DigestKey::DigestKey(std::string key)
    : keyed_(NewContext(key), [](void* ctx) { EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(ctx)); }) {
  OPENSSL_cleanse(key.data(), key.size());
}

std::string DigestKey::Digest(std::string_view text) const {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(static_cast<const EVP_MAC_CTX*>(keyed_.get()));
  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t n = 0;
  EVP_MAC_final(ctx, out, &n, sizeof out);
  EVP_MAC_CTX_free(ctx);
  return HexEncode(out, kDigestBytes);
}

}  // namespace bastion::audit
