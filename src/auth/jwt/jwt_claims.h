#pragma once
// Internal to auth/jwt: the claim checks of RFC 7519 §4.1 that bastion applies, run only on
// a payload whose signature verified.

#include <cstdint>
#include <string_view>

#include "auth/jwt/jwt_verifier.h"
#include "common/status.h"

namespace bastion::auth {

// `json` is the decoded payload. Requires `exp` and a non-empty string `sub`; checks `nbf`
// and `iat` when present, `iss` and `aud` when the policy names them, all against
// `now_unix` give or take the policy's skew. The role claim may be a string or an array;
// array items that are not strings, and a claim of any other type, are ignored: a role
// bastion cannot read grants nothing. Unauthenticated errors saying which check failed.
Result<VerifiedJwt> CheckJwtClaims(std::string_view json, const JwtPolicy& policy,
                                   int64_t now_unix);

}  // namespace bastion::auth
