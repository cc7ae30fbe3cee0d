#pragma once
// Internal to auth/jwt: one usable key of a JWKS and the signature algorithms it can check.

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bastion::auth {

enum class JwkType { kRsa, kEcP256, kEd25519 };

// The JWS algorithms bastion accepts, one per key type (RFC 7518 §3.1, RFC 8037).
enum class JwsAlg { kRs256, kEs256, kEdDsa };

// Exact, case-sensitive match of "RS256", "ES256" or "EdDSA"; nullopt for anything else
// ("none", "HS256", "rs256", ...).
std::optional<JwsAlg> ParseJwsAlg(std::string_view name);
std::string_view JwsAlgName(JwsAlg alg);
// The only key type an algorithm may be checked with: no algorithm confusion.
JwkType KeyTypeFor(JwsAlg alg);
std::string_view JwkTypeName(JwkType type);

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// Immutable once the set is parsed; OpenSSL allows concurrent verifications with one key.
struct Jwk {
  JwkType type = JwkType::kRsa;
  std::string kid;            // empty: the key has none
  std::optional<JwsAlg> alg;  // the key's "alg", when it names one
  EvpPkeyPtr key;
};

}  // namespace bastion::auth
