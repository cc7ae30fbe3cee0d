#pragma once
// [auth.roles.<role>] applied to identities: a role's models and limits bound every caller
// with that role; a key's own models and limits can only narrow them.

#include <array>

#include "auth/identity.h"
#include "common/config.h"

namespace bastion::auth {

class RolePolicies {
 public:
  explicit RolePolicies(const AuthConfig& config);
  // Intersects the identity's models with its role's, and takes the tighter of each limit.
  void Apply(Identity& identity) const;

 private:
  std::array<RolePolicyConfig, 4> policies_;  // indexed by Role
};

}  // namespace bastion::auth
