#pragma once
// Internal to auth/jwt: OpenSSL public keys from a JWK's decoded members (big-endian bytes).
// Every key is checked before use: RSA moduli of 2048 to 8192 bits with a small odd exponent,
// P-256 points that lie on the curve, Ed25519 keys of exactly 32 bytes. Errors are
// InvalidArgument without a prefix; the caller names the key.

#include <string_view>

#include "auth/jwt/jwk.h"
#include "common/status.h"

namespace bastion::auth {

inline constexpr int kMinRsaBits = 2048;
// Larger moduli only make verification slower; no identity provider uses them.
inline constexpr int kMaxRsaBits = 8192;

Result<EvpPkeyPtr> RsaPublicKey(std::string_view modulus, std::string_view exponent);
// `x` and `y` are the affine coordinates, 32 bytes each (RFC 7518 §6.2.1.2).
Result<EvpPkeyPtr> EcP256PublicKey(std::string_view x, std::string_view y);
Result<EvpPkeyPtr> Ed25519PublicKey(std::string_view x);

}  // namespace bastion::auth
