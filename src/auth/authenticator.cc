#include "auth/authenticator.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <strings.h>

#include <cctype>
#include <cstring>

#include "auth/jwt/jwks_source.h"
#include "auth/jwt/jwt_verifier.h"

namespace bastion::auth {
namespace {

AuthOutcome Failed(std::string failure, std::string message) {
  return {std::nullopt, std::move(failure), std::move(message)};
}

// A JWT's `sub` as it appears in logs and limit keys: kept when plain, else replaced by a
// digest, so a crafted subject cannot forge log fields or collide with another.
std::string SubjectName(const std::string& sub) {
  bool plain = !sub.empty() && sub.size() <= 128;
  for (unsigned char c : sub) plain = plain && (std::isalnum(c) || std::strchr("._@:+-", c));
  if (plain) return sub;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(sub.data(), sub.size(), digest, &n, EVP_sha256(), nullptr);
  std::string hex = "sha256-";
  for (unsigned i = 0; i < 16; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view PresentedCredential(std::string_view authorization, std::string_view x_api_key) {
  constexpr std::string_view kBearer = "bearer ";
  authorization = Trim(authorization);
  if (authorization.size() > kBearer.size() &&
      strncasecmp(authorization.data(), kBearer.data(), kBearer.size()) == 0) {
    return Trim(authorization.substr(kBearer.size()));
  }
  return Trim(x_api_key);
}

Authenticator::Authenticator(std::unique_ptr<KeyDirectory> keys, std::unique_ptr<JwksSource> jwks,
                             const AuthConfig& config)
    : keys_(std::move(keys)), jwks_(std::move(jwks)), jwt_(config.jwt), roles_(config) {}

Authenticator::~Authenticator() = default;

Result<std::unique_ptr<Authenticator>> Authenticator::Create(const Config& config,
                                                             bool with_key_store) {
  std::unique_ptr<KeyDirectory> keys;
  if (with_key_store) {
    auto opened = KeyDirectory::Open(KeyStoreLocationFor(config));
    if (!opened.ok()) return opened.status();
    keys = std::move(*opened);
  }
  std::unique_ptr<JwksSource> jwks;
  if (config.auth.jwt.enabled()) {
    const JwtConfig& j = config.auth.jwt;
    JwksSourceOptions options;
    options.location = j.jwks_file.empty() ? j.jwks_url : j.jwks_file;
    options.ca_file = j.jwks_ca_file;
    options.refresh_interval = j.jwks_refresh;
    auto source = JwksSource::Open(options);
    if (!source.ok()) return source.status();
    jwks = std::move(*source);
  }
  return std::unique_ptr<Authenticator>(
      new Authenticator(std::move(keys), std::move(jwks), config.auth));
}

AuthOutcome Authenticator::Authenticate(std::string_view bearer, int64_t now_ms) const {
  if (bearer.empty()) {
    return Failed("missing_credentials",
                  "no API key: send it as 'Authorization: Bearer <key>' (bastion keys create "
                  "makes one)");
  }
  if (LooksLikeJwt(bearer)) return FromJwt(bearer, now_ms);
  return FromKey(bearer, now_ms);
}

AuthOutcome Authenticator::FromKey(std::string_view bearer, int64_t now_ms) const {
  auto key = ParseApiKey(bearer);
  if (!key || !keys_) {
    return Failed("malformed_credentials",
                  "the credential is not a bastion API key (bst_...) or a JWT");
  }
  std::shared_ptr<const KeyDirectory::Snapshot> holder;
  const KeyRecord* record = nullptr;
  KeyCheck check = keys_->Check(*key, now_ms / 1000, &holder, &record);
  if (check != KeyCheck::kOk) {
    bool told = check == KeyCheck::kRevoked || check == KeyCheck::kExpired;
    return Failed(std::string(KeyCheckName(check)),
                  told ? "this API key was " +
                             std::string(check == KeyCheck::kRevoked ? "revoked" : "expired") +
                             "; ask an admin for a new one"
                       : "invalid API key");
  }
  Identity id;
  id.source = Identity::Source::kKey;
  id.subject = "key:" + record->id;
  id.name = record->spec.name;
  id.role = record->spec.role;
  id.models = record->spec.models;
  id.limits = record->spec.limits;
  id.expires_at = record->spec.expires_at;
  roles_.Apply(id);
  return {std::move(id), "", ""};
}

AuthOutcome Authenticator::FromJwt(std::string_view bearer, int64_t now_ms) const {
  if (!jwks_) {
    return Failed("jwt_not_configured",
                  "JWT bearer tokens are not accepted here (no [auth.jwt] configured)");
  }
  JwtPolicy policy;
  policy.issuer = jwt_.issuer;
  policy.audiences = jwt_.audiences;
  policy.clock_skew = std::chrono::duration_cast<std::chrono::seconds>(jwt_.clock_skew);
  policy.role_claim = jwt_.role_claim;
  auto verified = jwks_->Verify(bearer, policy, now_ms / 1000);
  if (!verified.ok())
    return Failed("invalid_token", "invalid token: " + verified.status().message());
  std::optional<Role> role;
  for (const auto& value : verified->role_values) {
    for (const auto& [claim, mapped] : jwt_.role_map) {
      if (claim == value) role = ParseRole(mapped);
      if (role) break;
    }
    if (role) break;
  }
  if (!role) {
    return Failed("no_role", "the token's " + jwt_.role_claim + " claim maps to no bastion role");
  }
  Identity id;
  id.source = Identity::Source::kJwt;
  id.name = SubjectName(verified->subject);
  id.subject = "jwt:" + id.name;
  id.role = *role;
  id.expires_at = verified->expires_at;
  roles_.Apply(id);
  return {std::move(id), "", ""};
}

}  // namespace bastion::auth
