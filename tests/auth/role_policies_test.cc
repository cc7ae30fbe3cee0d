#include "auth/role_policies.h"

#include <gtest/gtest.h>

namespace bastion::auth {
namespace {

TEST(Roles, PermissionTable) {
  EXPECT_TRUE(RoleGrants(Role::kAdmin, Permission::kManageKeys));
  EXPECT_FALSE(RoleGrants(Role::kOperator, Permission::kInference));
  EXPECT_TRUE(RoleGrants(Role::kOperator, Permission::kMetrics));
  EXPECT_FALSE(RoleGrants(Role::kUser, Permission::kMetrics));
  EXPECT_TRUE(RoleGrants(Role::kUser, Permission::kInference));
  EXPECT_FALSE(RoleGrants(Role::kAuditor, Permission::kInference));
  EXPECT_TRUE(RoleGrants(Role::kAuditor, Permission::kReadAudit));
  EXPECT_EQ(ParseRole("admin"), Role::kAdmin);
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
  EXPECT_EQ(ParseRole("root"), std::nullopt);
}

TEST(RolePolicies, NarrowModelsAndTakeTighterLimits) {
  AuthConfig config;
  RolePolicyConfig user;
  user.role = "user";
  user.models = {"a", "b"};
  user.requests_per_minute = 10;
  user.max_tokens = 100;
  config.roles.push_back(user);
  RolePolicies policies(config);

  Identity unrestricted;
  unrestricted.role = Role::kUser;
  policies.Apply(unrestricted);
  EXPECT_EQ(unrestricted.models, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(unrestricted.limits.requests_per_minute, 10);

  Identity key;
  key.role = Role::kUser;
  key.models = {"b", "c"};
  key.limits.requests_per_minute = 50;
  key.limits.max_tokens = 20;
  policies.Apply(key);
  EXPECT_EQ(key.models, (std::vector<std::string>{"b"}));
  EXPECT_EQ(key.limits.requests_per_minute, 10);
  EXPECT_EQ(key.limits.max_tokens, 20);

  Identity outside;
  outside.role = Role::kUser;
  outside.models = {"c"};
  policies.Apply(outside);
  EXPECT_FALSE(outside.MayUseModel("a"));
  EXPECT_FALSE(outside.MayUseModel("c"));

  Identity admin;
  admin.role = Role::kAdmin;
  policies.Apply(admin);
  EXPECT_TRUE(admin.MayUseModel("anything"));
}

}  // namespace
}  // namespace bastion::auth
