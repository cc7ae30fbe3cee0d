// VerifyJwt: a compact JWS split, its header checked, its key chosen, its signature verified,
// and only then its claims read.
#include "auth/jwt/jwt_verifier.h"

#include <array>

#include "auth/jwt/base64url.h"
#include "auth/jwt/jose_header.h"
#include "auth/jwt/jwk.h"
#include "auth/jwt/jws_signature.h"
#include "auth/jwt/jwt_claims.h"

namespace bastion::auth {
namespace {

constexpr size_t kMaxTokenBytes = 8 << 10;
constexpr size_t kMaxHeaderBytes = 2 << 10;  // decoded
constexpr size_t kMaxPayloadBytes = kMaxTokenBytes;
constexpr size_t kMaxSignatureBytes = 1 << 10;  // an RSA-8192 signature
constexpr std::string_view kUnknownKeyId = "unknown key id";

Status Refused(std::string why) { return Status::Unauthenticated(std::move(why)); }

// The three parts of "<header>.<payload>.<signature>", or an error for any other shape.
Result<std::array<std::string_view, 3>> SplitCompact(std::string_view token) {
  const size_t first = token.find('.');
  const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return Refused("token is not three dot-separated parts");
  }
  return std::array<std::string_view, 3>{token.substr(0, first),
                                         token.substr(first + 1, second - first - 1),
                                         token.substr(second + 1)};
}

Result<std::string> DecodePart(std::string_view text, size_t max_bytes, std::string_view what) {
  auto bytes = DecodeBase64Url(text, max_bytes, what);
  if (!bytes.ok()) return Refused("token " + bytes.status().message());
  return bytes;
}

std::string MismatchMessage(JwsAlg alg, JwkType type) {
  return "algorithm " + std::string(JwsAlgName(alg)) + " does not match the key's type (" +
         std::string(JwkTypeName(type)) + ")";
}

// With a kid: that key. Without: the only key of the algorithm's type, if there is one.
Result<const Jwk*> SelectKey(const Jwks& set, const JoseHeader& header) {
  const JwkType want = KeyTypeFor(header.alg);
  const Jwk* chosen = nullptr;
  if (!header.kid.empty()) {
    for (const Jwk& key : set.keys()) {
      if (key.kid == header.kid) chosen = &key;
    }
    if (chosen == nullptr) return Refused(std::string(kUnknownKeyId));
  } else {
    size_t candidates = 0;
    for (const Jwk& key : set.keys()) {
      if (key.type != want) continue;
      chosen = &key;
      ++candidates;
    }
    if (candidates != 1) {
      return Refused("token has no key id and the key set holds " + std::to_string(candidates) +
                     " " + std::string(JwkTypeName(want)) + " keys");
    }
  }
  if (chosen->type != want) return Refused(MismatchMessage(header.alg, chosen->type));
  if (chosen->alg && *chosen->alg != header.alg) {
    return Refused("algorithm " + std::string(JwsAlgName(header.alg)) +
                   " is not the one the key is bound to");
  }
  return chosen;
}

}  // namespace

Result<VerifiedJwt> VerifyJwt(std::string_view token, const Jwks& keys, const JwtPolicy& policy,
                              int64_t now_unix) {
  if (token.size() > kMaxTokenBytes) return Refused("token is larger than 8 KiB");
  auto parts = SplitCompact(token);
  if (!parts.ok()) return parts.status();
  const auto& [header_text, payload_text, signature_text] = *parts;
  auto header_json = DecodePart(header_text, kMaxHeaderBytes, "header");
  if (!header_json.ok()) return header_json.status();
  auto header = ParseJoseHeader(*header_json);
  if (!header.ok()) return header.status();
  auto key = SelectKey(keys, *header);
  if (!key.ok()) return key.status();
  auto signature = DecodePart(signature_text, kMaxSignatureBytes, "signature");
  if (!signature.ok()) return signature.status();
  const std::string_view signing_input =
      token.substr(0, header_text.size() + 1 + payload_text.size());
  Status verified = VerifyJwsSignature(header->alg, (*key)->key.get(), signing_input, *signature);
  if (!verified.ok()) return verified;
  auto payload = DecodePart(payload_text, kMaxPayloadBytes, "payload");
  if (!payload.ok()) return payload.status();
  return CheckJwtClaims(*payload, policy, now_unix);
}

bool IsUnknownKeyIdError(const Status& status) {
  return status.code() == StatusCode::kUnauthenticated && status.message() == kUnknownKeyId;
}

bool LooksLikeJwt(std::string_view token) {
  auto parts = SplitCompact(token);
  if (!parts.ok()) return false;
  const auto& [header, payload, signature] = *parts;
  // An empty signature still routes here, so an unsigned token is refused as a JWT.
  return header.starts_with("eyJ") && !payload.empty() && IsBase64UrlText(header) &&
         IsBase64UrlText(payload) && IsBase64UrlText(signature);
}

}  // namespace bastion::auth
