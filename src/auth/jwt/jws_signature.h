#pragma once
// Internal to auth/jwt: checks a JWS signature (RFC 7518 §3.3, §3.4; RFC 8037 §3.1) over the
// signing input "<header>.<payload>" with one key of the matching type.

#include <string_view>

#include "auth/jwt/jwk.h"
#include "common/status.h"

namespace bastion::auth {

// `signature` is the decoded third part. ES256 signatures must be the raw 64-byte r || s
// the JWS format defines; DER-encoded ones are refused. REQUIRES: KeyTypeFor(alg) is the
// key's type. Unauthenticated when the signature does not verify.
Status VerifyJwsSignature(JwsAlg alg, EVP_PKEY* key, std::string_view signing_input,
                          std::string_view signature);

}  // namespace bastion::auth
