#include "auth/role_policies.h"

#include <algorithm>

namespace bastion::auth {
namespace {

int64_t Tighter(int64_t a, int64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

}  // namespace

RolePolicies::RolePolicies(const AuthConfig& config) {
  for (const RolePolicyConfig& p : config.roles) {
    if (auto role = ParseRole(p.role)) policies_[static_cast<size_t>(*role)] = p;
  }
}

void RolePolicies::Apply(Identity& identity) const {
  const RolePolicyConfig& p = policies_[static_cast<size_t>(identity.role)];
  if (!p.models.empty()) {
    if (identity.models.empty()) {
      identity.models = p.models;
    } else {
      std::erase_if(identity.models, [&](const std::string& m) {
        return std::find(p.models.begin(), p.models.end(), m) == p.models.end();
      });
      // A key whose models all lie outside its role's may use none: keep an impossible name
      // rather than an empty list, which would mean "all".
      if (identity.models.empty()) identity.models.push_back("");
    }
  }
  Limits& l = identity.limits;
  l.requests_per_minute = Tighter(l.requests_per_minute, p.requests_per_minute);
  l.tokens_per_minute = Tighter(l.tokens_per_minute, p.tokens_per_minute);
  l.daily_tokens = Tighter(l.daily_tokens, p.daily_tokens);
  l.concurrent = Tighter(l.concurrent, p.concurrent);
  l.max_tokens = Tighter(l.max_tokens, p.max_tokens);
}

}  // namespace bastion::auth
