#include "auth/jwt/jwk.h"

namespace bastion::auth {

std::optional<JwsAlg> ParseJwsAlg(std::string_view name) {
  if (name == "RS256") return JwsAlg::kRs256;
  if (name == "ES256") return JwsAlg::kEs256;
  if (name == "EdDSA") return JwsAlg::kEdDsa;
  return std::nullopt;
}

std::string_view JwsAlgName(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kRs256:
      return "RS256";
    case JwsAlg::kEs256:
      return "ES256";
    case JwsAlg::kEdDsa:
      return "EdDSA";
  }
  return "?";
}

JwkType KeyTypeFor(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kRs256:
      return JwkType::kRsa;
    case JwsAlg::kEs256:
      return JwkType::kEcP256;
    case JwsAlg::kEdDsa:
      return JwkType::kEd25519;
  }
  return JwkType::kRsa;
}

std::string_view JwkTypeName(JwkType type) {
  switch (type) {
    case JwkType::kRsa:
      return "RSA";
    case JwkType::kEcP256:
      return "EC P-256";
    case JwkType::kEd25519:
      return "Ed25519";
  }
  return "?";
}

}  // namespace bastion::auth
