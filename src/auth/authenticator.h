#pragma once
// Turns a request's credential into an Identity: an API key from the key store, or a JWT
// from the configured identity provider. Failures carry a reason for metrics and audit and a
// message for the caller, and never the presented secret.
//
// Thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/identity.h"
#include "auth/keys/key_directory.h"
#include "auth/role_policies.h"
#include "common/config.h"

namespace bastion::auth {

class JwksSource;

struct AuthOutcome {
  std::optional<Identity> identity;
  // When it failed: missing_credentials, malformed_credentials, unknown_key, bad_secret,
  // revoked_key, expired_key, invalid_token, jwt_not_configured, no_role.
  std::string failure;
  std::string message;
};

class Authenticator {
 public:
  // Opens the key store in config.server.data_dir and, when configured, the JWKS. Without
  // `with_key_store` (configuration checks), only the JWKS is loaded and API keys are refused.
  static Result<std::unique_ptr<Authenticator>> Create(const Config& config,
                                                       bool with_key_store = true);
  ~Authenticator();

  // `bearer`: the credential from "Authorization: Bearer X" or "x-api-key: X".
  AuthOutcome Authenticate(std::string_view bearer, int64_t now_ms) const;
  // REQUIRES: created with the key store.
  KeyDirectory& keys() { return *keys_; }

 private:
  Authenticator(std::unique_ptr<KeyDirectory> keys, std::unique_ptr<JwksSource> jwks,
                const AuthConfig& config);
  AuthOutcome FromKey(std::string_view bearer, int64_t now_ms) const;
  AuthOutcome FromJwt(std::string_view bearer, int64_t now_ms) const;

  std::unique_ptr<KeyDirectory> keys_;
  std::unique_ptr<JwksSource> jwks_;
  JwtConfig jwt_;
  RolePolicies roles_;
};

// The credential a request presents, or empty: "Authorization: Bearer X" (scheme
// case-insensitive), else "x-api-key: X".
std::string_view PresentedCredential(std::string_view authorization, std::string_view x_api_key);

}  // namespace bastion::auth
