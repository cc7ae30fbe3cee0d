// The [auth] section of the config: reading and validation.

#include <toml++/toml.h>

#include <array>

#include "common/config.h"
#include "common/config_table_reader.h"
#include "common/host_port.h"
#include "common/url.h"

namespace bastion {
namespace {

constexpr std::array<std::string_view, 4> kRoles = {"admin", "operator", "user", "auditor"};

bool IsRole(std::string_view name) {
  for (auto r : kRoles) {
    if (r == name) return true;
  }
  return false;
}

Status ReadRolePolicy(const toml::table& t, std::string_view origin, const std::string& role,
                      RolePolicyConfig& p) {
  TableReader r(t, "auth.roles." + role + ".", origin);
  constexpr int64_t kMax = int64_t{1} << 50;
  p.role = role;
  r.Strings("models", p.models);
  r.Integer("requests_per_minute", p.requests_per_minute, 0, kMax);
  r.Integer("tokens_per_minute", p.tokens_per_minute, 0, kMax);
  r.Integer("daily_tokens", p.daily_tokens, 0, kMax);
  r.Integer("concurrent", p.concurrent, 0, kMax);
  r.Integer("max_tokens", p.max_tokens, 0, kMax);
  return r.Finish();
}

Status ReadJwt(const toml::table& t, std::string_view origin, JwtConfig& j) {
  TableReader r(t, "auth.jwt.", origin);
  r.String("jwks_file", j.jwks_file);
  r.String("jwks_url", j.jwks_url);
  r.String("jwks_ca_file", j.jwks_ca_file);
  r.Duration("jwks_refresh", j.jwks_refresh);
  r.String("issuer", j.issuer);
  r.Strings("audiences", j.audiences);
  r.Duration("clock_skew", j.clock_skew);
  r.String("role_claim", j.role_claim);
  const toml::table* roles = r.Table("roles");
  if (Status st = r.Finish(); !st.ok()) return st;
  if (roles == nullptr) return Status::Ok();
  for (const auto& [claim, node] : *roles) {
    const auto* role = node.as_string();
    if (role == nullptr) {
      return Status::InvalidArgument(std::string(origin) + ": auth.jwt.roles." +
                                     std::string(claim.str()) + " must be a role name string");
    }
    j.role_map.emplace_back(std::string(claim.str()), role->get());
  }
  return Status::Ok();
}

}  // namespace

Status ReadAuthConfig(const toml::table& t, std::string_view origin, AuthConfig& a) {
  TableReader r(t, "auth.", origin);
  r.Bool("metrics_anonymous", a.metrics_anonymous);
  r.String("redis_url", a.redis_url);
  r.String("key_store_url", a.key_store_url);
  r.String("pepper_file", a.pepper_file);
  r.Integer("failure_threshold", a.failure_threshold, 1, 1'000'000);
  const toml::table* roles = r.Table("roles");
  const toml::table* jwt = r.Table("jwt");
  if (Status st = r.Finish(); !st.ok()) return st;
  if (roles) {
    for (const auto& [name, node] : *roles) {
      std::string role(name.str());
      if (!IsRole(role) || !node.is_table()) {
        return Status::InvalidArgument(std::string(origin) + ": auth.roles." + role +
                                       ": expected a table named admin, operator, user or auditor");
      }
      RolePolicyConfig policy;
      if (Status st = ReadRolePolicy(*node.as_table(), origin, role, policy); !st.ok()) return st;
      a.roles.push_back(std::move(policy));
    }
  }
  if (jwt) return ReadJwt(*jwt, origin, a.jwt);
  return Status::Ok();
}

Status ValidateAuthConfig(const Config& config) {
  const AuthConfig& a = config.auth;
  if (config.server.insecure_no_auth) {
    auto listen = ParseHostPort(config.server.listen);
    if (listen.ok() && !IsLoopbackHost(listen->host)) {
      return Status::InvalidArgument(
          "--insecure-no-auth works only on a loopback address (127.0.0.1, ::1, localhost); "
          "to serve on " +
          config.server.listen + ", create keys with `bastion keys create`");
    }
  }
  if (!a.redis_url.empty() && !a.redis_url.starts_with("redis://") &&
      !a.redis_url.starts_with("unix://")) {
    return Status::InvalidArgument("auth.redis_url must be redis://HOST:PORT[/DB] or unix://PATH");
  }
  if (!a.key_store_url.empty() && !a.key_store_url.starts_with("postgresql://") &&
      !a.key_store_url.starts_with("postgres://")) {
    return Status::InvalidArgument(
        "auth.key_store_url must be postgresql://USER[:PASSWORD]@HOST[:PORT]/DB (or leave it "
        "out to keep keys in the data directory)");
  }
  const JwtConfig& j = a.jwt;
  if (!j.enabled()) return Status::Ok();
  if (!j.jwks_file.empty() && !j.jwks_url.empty()) {
    return Status::InvalidArgument("auth.jwt: set jwks_file or jwks_url, not both");
  }
  if (!j.jwks_url.empty()) {
    if (auto url = ParseUrl(j.jwks_url); !url.ok()) return url.status();
  }
  if (j.issuer.empty() || j.audiences.empty()) {
    return Status::InvalidArgument(
        "auth.jwt needs issuer and audiences, so tokens minted for other services are refused");
  }
  if (j.role_map.empty()) {
    return Status::InvalidArgument(
        "auth.jwt.roles must map at least one value of the role claim to a role, e.g. "
        "\"bastion-users\" = \"user\"");
  }
  for (const auto& [claim, role] : j.role_map) {
    if (!IsRole(role)) {
      return Status::InvalidArgument("auth.jwt.roles." + claim + " = \"" + role +
                                     "\": not a role (admin, operator, user, auditor)");
    }
  }
  if (j.clock_skew > Millis(300'000)) {
    return Status::InvalidArgument("auth.jwt.clock_skew must be at most 5m");
  }
  return Status::Ok();
}

}  // namespace bastion
