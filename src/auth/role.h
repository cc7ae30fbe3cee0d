#pragma once
// The four roles and what each may reach. A route names the permission it needs; a role
// holds an explicit set of permissions. A permission no role holds (say, a route added
// without updating this table) is denied to everyone: deny unless granted.

#include <optional>
#include <string_view>

namespace bastion::auth {

enum class Role { kAdmin, kOperator, kUser, kAuditor };

enum class Permission {
  kAnonymous,      // anyone, without credentials (/healthz only)
  kAuthenticated,  // any valid credential (unknown routes: 404 only after authentication)
  kHealth,         // /readyz
  kMetrics,        // /metrics (anonymous too when auth.metrics_anonymous)
  kListModels,     // GET /v1/models
  kInference,      // chat and text completions
  kManageKeys,     // /admin/keys...
  kReadAudit,      // the audit trail (issue 7)
};

std::string_view RoleName(Role role);
// "admin", "operator", "user", "auditor"; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);
bool RoleGrants(Role role, Permission permission);
std::string_view PermissionName(Permission permission);

}  // namespace bastion::auth
