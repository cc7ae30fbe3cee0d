#include "auth/role.h"

namespace bastion::auth {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kOperator:
      return "operator";
    case Role::kUser:
      return "user";
    case Role::kAuditor:
      return "auditor";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kOperator, Role::kUser, Role::kAuditor}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool RoleGrants(Role role, Permission p) {
  if (p == Permission::kAnonymous || p == Permission::kAuthenticated) return true;
  switch (role) {
    case Role::kAdmin:
      return p == Permission::kHealth || p == Permission::kMetrics ||
             p == Permission::kListModels || p == Permission::kInference ||
             p == Permission::kManageKeys || p == Permission::kReadAudit;
    case Role::kOperator:
      return p == Permission::kHealth || p == Permission::kMetrics || p == Permission::kListModels;
    case Role::kUser:
      return p == Permission::kListModels || p == Permission::kInference;
    case Role::kAuditor:
      return p == Permission::kReadAudit;
  }
  return false;
}

std::string_view PermissionName(Permission p) {
  switch (p) {
    case Permission::kAnonymous:
      return "anonymous";
    case Permission::kAuthenticated:
      return "authenticated";
    case Permission::kHealth:
      return "health";
    case Permission::kMetrics:
      return "metrics";
    case Permission::kListModels:
      return "list_models";
    case Permission::kInference:
      return "inference";
    case Permission::kManageKeys:
      return "manage_keys";
    case Permission::kReadAudit:
      return "read_audit";
  }
  return "unknown";
}

}  // namespace bastion::auth
