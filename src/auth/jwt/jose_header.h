#pragma once
// Internal to auth/jwt: the JOSE header of a compact JWS (RFC 7515 §4), checked against
// bastion's rules before any key is touched.

#include <string>
#include <string_view>

#include "auth/jwt/jwk.h"
#include "common/status.h"

namespace bastion::auth {

struct JoseHeader {
  JwsAlg alg = JwsAlg::kRs256;
  std::string kid;  // empty: none
};

// `json` is the decoded header. Refuses: a repeated member, an `alg` other than exactly
// RS256, ES256 or EdDSA, any `crit` (bastion understands no extension), a `typ` other than
// "JWT" or "at+jwt" (any case), members of the wrong type. Unauthenticated errors.
Result<JoseHeader> ParseJoseHeader(std::string_view json);

}  // namespace bastion::auth
