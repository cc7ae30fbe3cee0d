// auth.required and auth.roles: every route behind a credential, and callers split by role.
#include <map>
#include <set>
#include <string>

#include "gateway/gateway.h"
#include "posture/config_checks.h"

namespace bastion::posture {
namespace {

const char* kNoAuthFix =
    "remove server.insecure_no_auth (and --insecure-no-auth); create keys with `bastion keys "
    "create --role user`";

std::string AnonymousRoutes(const Config& config) {
  std::string routes;
  for (const gateway::RouteSpec& r : gateway::Gateway::Routes()) {
    const bool anonymous =
        r.permission == auth::Permission::kAnonymous ||
        (r.permission == auth::Permission::kMetrics && config.auth.metrics_anonymous);
    if (!anonymous) continue;
    routes += (routes.empty() ? "" : ", ") + std::string(r.method) + " " + std::string(r.pattern);
  }
  return routes;
}

void CheckRequired(const Config& config, Checklist& out) {
  if (config.server.insecure_no_auth) {
    out.Fail("auth.required",
             "insecure_no_auth: no route needs a credential, every caller is an unrestricted admin",
             kNoAuthFix);
    return;
  }
  const std::string how = config.auth.jwt.enabled() ? "an API key or a JWT" : "an API key";
  const std::string detail = std::to_string(gateway::Gateway::Routes().size()) +
                             " routes; without credentials only " + AnonymousRoutes(config) +
                             " is served, every other route needs " + how;
  if (config.auth.metrics_anonymous) {
    out.Warn("auth.required",
             detail +
                 " (auth.metrics_anonymous: model names, traffic and guard counts are "
                 "readable by anyone who reaches the port)",
             "give Prometheus an operator key (bastion keys create --role operator; "
             "authorization.credentials_file) and remove auth.metrics_anonymous");
    return;
  }
  out.Pass("auth.required", detail);
}

// "user 3, admin 1".
std::string RoleCounts(const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [role, n] : counts) {
    out += (out.empty() ? "" : ", ") + role + " " + std::to_string(n);
  }
  return out;
}

// Roles callers hold: through active keys and through the JWT role mapping.
std::set<std::string> RolesHeld(const Config& config, const KeyInventory& keys) {
  std::set<std::string> roles;
  for (const auto& [role, n] : keys.active_by_role) {
    if (n > 0) roles.insert(role);
  }
  for (const auto& [claim, role] : config.auth.jwt.role_map) roles.insert(role);
  return roles;
}

std::string RolesDetail(const Config& config, const KeyInventory& keys) {
  std::string d = keys.inspected ? "active keys: " + (keys.active_by_role.empty()
                                                          ? std::string("none")
                                                          : RoleCounts(keys.active_by_role))
                                 : "keys not inspected";
  d += " (" + keys.note + ")";
  if (config.auth.jwt.enabled()) {
    d += "; JWT maps " + std::to_string(config.auth.jwt.role_map.size()) + " claim values";
  }
  std::string policies;
  for (const RolePolicyConfig& p : config.auth.roles)
    policies += (policies.empty() ? "" : ", ") + p.role;
  d += "; role policies: " + (policies.empty() ? std::string("none") : policies);
  return d;
}

void CheckRoles(const Config& config, const KeyInventory& keys, Checklist& out) {
  if (config.server.insecure_no_auth) {
    out.Fail("auth.roles", "insecure_no_auth: every caller is an admin, roles are not applied",
             kNoAuthFix);
    return;
  }
  const std::string detail = RolesDetail(config, keys);
  const std::set<std::string> held = RolesHeld(config, keys);
  if (held.size() == 1 && held.count("admin")) {
    out.Warn("auth.roles", "every caller is an admin: " + detail,
             "give clients user keys (bastion keys create --role user) and keep admin keys for "
             "key management");
  } else if (held.empty() && keys.inspected && !config.auth.jwt.enabled()) {
    out.Warn("auth.roles", "no caller holds a role yet: " + detail,
             "create keys for clients: bastion keys create --role user");
  } else if (config.auth.roles.empty()) {
    out.Warn("auth.roles",
             "roles use the defaults: every user may call every model without limits; " + detail,
             "add [auth.roles.user] with models and limits (requests_per_minute, daily_tokens, "
             "max_tokens)");
  } else {
    out.Pass("auth.roles", detail);
  }
}

}  // namespace

void CheckAuth(const Config& config, const KeyInventory& keys, Checklist& out) {
  CheckRequired(config, out);
  CheckRoles(config, keys, out);
}

}  // namespace bastion::posture
