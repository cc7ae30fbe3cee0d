#include "auth/keys/key_grant.h"

#include <algorithm>
#include <array>
#include <utility>

namespace bastion::auth {
namespace {

constexpr std::array kAllPermissions = {
    Permission::kHealth,    Permission::kMetrics,    Permission::kListModels,
    Permission::kInference, Permission::kManageKeys, Permission::kReadAudit,
};

bool IsPlainText(std::string_view s, bool allow_space) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == ',' || (!allow_space && c == ' ')) return false;
  }
  return true;
}

std::array<std::pair<const char*, int64_t Limits::*>, 5> LimitFields() {
  return {{{"requests per minute", &Limits::requests_per_minute},
           {"tokens per minute", &Limits::tokens_per_minute},
           {"daily tokens", &Limits::daily_tokens},
           {"concurrent requests", &Limits::concurrent},
           {"max_tokens", &Limits::max_tokens}}};
}

}  // namespace

Status ValidateKeySpec(const KeySpec& spec) {
  if (spec.name.empty() || spec.name.size() > 128 || !IsPlainText(spec.name, true)) {
    return Status::InvalidArgument(
        "a key needs a name of 1-128 printable characters without commas");
  }
  for (const auto& model : spec.models) {
    if (model.empty() || model.size() > 256 || !IsPlainText(model, false)) {
      return Status::InvalidArgument(
          "bad model name in the key's models: names are 1-256 "
          "printable characters without spaces or commas");
    }
  }
  for (const auto& [what, field] : LimitFields()) {
    if (spec.limits.*field < 0) {
      return Status::InvalidArgument(std::string(what) + " must be 0 (no limit) or more");
    }
  }
  if (spec.expires_at < 0) return Status::InvalidArgument("expiry must be in the future");
  return Status::Ok();
}

Status CheckGrant(const Identity& creator, const KeySpec& spec) {
  for (Permission p : kAllPermissions) {
    if (RoleGrants(spec.role, p) && !RoleGrants(creator.role, p)) {
      return Status::PermissionDenied("a " + std::string(RoleName(creator.role)) +
                                      " cannot create a " + std::string(RoleName(spec.role)) +
                                      " key: that role may " + std::string(PermissionName(p)));
    }
  }
  if (!creator.models.empty()) {
    if (spec.models.empty()) {
      return Status::PermissionDenied(
          "your key is limited to some models; the new key must name its models (--models)");
    }
    for (const auto& m : spec.models) {
      if (!creator.MayUseModel(m)) {
        return Status::PermissionDenied("your key may not use model '" + m +
                                        "', so it cannot grant it");
      }
    }
  }
  for (const auto& [what, field] : LimitFields()) {
    int64_t mine = creator.limits.*field;
    int64_t theirs = spec.limits.*field;
    if (mine != 0 && (theirs == 0 || theirs > mine)) {
      return Status::PermissionDenied(std::string("the new key's ") + what +
                                      " must be set and at most yours (" + std::to_string(mine) +
                                      ")");
    }
  }
  if (creator.expires_at != 0 && (spec.expires_at == 0 || spec.expires_at > creator.expires_at)) {
    return Status::PermissionDenied("the new key must expire no later than yours");
  }
  return Status::Ok();
}

}  // namespace bastion::auth
