#pragma once
// Verifies JWT bearer tokens (RFC 7519, compact JWS) from the company's identity provider
// against a JSON Web Key Set (RFC 7517). Only RS256, ES256 and EdDSA (Ed25519) are accepted;
// "none", HMAC algorithms, and any algorithm that does not match the key's type are refused
// (no algorithm confusion). The key is chosen by the header's `kid`; a token without `kid`
// is accepted only when the set holds exactly one key of the matching type.
//
// Thread-safe: a Jwks is immutable once parsed.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bastion::auth {

struct Jwk;  // one usable key (auth/jwt/jwk.h)

class Jwks {
 public:
  // Parses {"keys":[...]}; keys of unsupported types or with "use" other than "sig" are
  // skipped; a set with no usable key is an error. Bounded: at most 64 keys, 64 KiB.
  static Result<std::shared_ptr<const Jwks>> Parse(std::string_view json);
  virtual ~Jwks() = default;
  virtual size_t size() const = 0;
  // The usable keys, in the set's order; valid as long as the set.
  virtual const std::vector<Jwk>& keys() const = 0;
};

struct JwtPolicy {
  std::string issuer;                  // required `iss`; empty: not checked
  std::vector<std::string> audiences;  // `aud` must contain one of these; empty: not checked
  std::chrono::seconds clock_skew{60};
  std::string role_claim = "roles";  // string or array of strings
};

struct VerifiedJwt {
  std::string subject;                   // `sub`
  std::vector<std::string> role_values;  // the role claim's values, in order
  int64_t expires_at = 0;                // `exp`, Unix seconds
};

// Verifies signature, `exp` (required), `nbf` and `iat` (when present) against `now_unix`
// with the policy's skew, `iss` and `aud`. The error message says which check failed but
// never repeats the token.
Result<VerifiedJwt> VerifyJwt(std::string_view token, const Jwks& keys, const JwtPolicy& policy,
                              int64_t now_unix);

// True for VerifyJwt's error when no key in the set has the token's `kid`: the identity
// provider may have rotated keys, so the caller may fetch the set again (JwksSource does).
bool IsUnknownKeyIdError(const Status& status);

// True when `token` has the shape of a JWT (three base64url parts, the first starting with
// "eyJ"), so a bearer credential can be routed to the JWT or the API-key path.
bool LooksLikeJwt(std::string_view token);

}  // namespace bastion::auth
