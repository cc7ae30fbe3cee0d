#include "auth/keys/key_grant.h"

#include <gtest/gtest.h>

namespace bastion::auth {
namespace {

Identity Admin() {
  Identity id;
  id.role = Role::kAdmin;
  id.subject = "key:aaaaaaaaaaaa";
  return id;
}

KeySpec Spec(Role role) {
  KeySpec s;
  s.name = "new";
  s.role = role;
  return s;
}

TEST(KeyGrant, AnUnrestrictedAdminMayGrantAnything) {
  for (Role r : {Role::kAdmin, Role::kOperator, Role::kUser, Role::kAuditor}) {
    EXPECT_TRUE(CheckGrant(Admin(), Spec(r)).ok());
  }
}

TEST(KeyGrant, NoRoleMayGrantARoleWithPermissionsItLacks) {
  Identity op = Admin();
  op.role = Role::kOperator;
  EXPECT_EQ(CheckGrant(op, Spec(Role::kAdmin)).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckGrant(op, Spec(Role::kUser)).code(), StatusCode::kPermissionDenied);  // inference
  EXPECT_EQ(CheckGrant(op, Spec(Role::kAuditor)).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckGrant(op, Spec(Role::kOperator)).ok());
  Identity user = Admin();
  user.role = Role::kUser;
  EXPECT_EQ(CheckGrant(user, Spec(Role::kAdmin)).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckGrant(user, Spec(Role::kOperator)).code(), StatusCode::kPermissionDenied);
}

TEST(KeyGrant, ModelScopeCannotWiden) {
  Identity admin = Admin();
  admin.models = {"a"};
  KeySpec all = Spec(Role::kUser);
  EXPECT_EQ(CheckGrant(admin, all).code(), StatusCode::kPermissionDenied);  // "all" > {a}
  KeySpec other = Spec(Role::kUser);
  other.models = {"a", "b"};
  EXPECT_EQ(CheckGrant(admin, other).code(), StatusCode::kPermissionDenied);
  KeySpec same = Spec(Role::kUser);
  same.models = {"a"};
  EXPECT_TRUE(CheckGrant(admin, same).ok());
}

TEST(KeyGrant, LimitsCannotLoosen) {
  Identity admin = Admin();
  admin.limits.requests_per_minute = 10;
  admin.limits.daily_tokens = 1000;
  KeySpec unlimited = Spec(Role::kUser);
  EXPECT_EQ(CheckGrant(admin, unlimited).code(), StatusCode::kPermissionDenied);
  KeySpec more = Spec(Role::kUser);
  more.limits = {11, 0, 1000, 0, 0};
  EXPECT_EQ(CheckGrant(admin, more).code(), StatusCode::kPermissionDenied);
  KeySpec within = Spec(Role::kUser);
  within.limits = {10, 5, 999, 1, 100};
  EXPECT_TRUE(CheckGrant(admin, within).ok());
}

TEST(KeyGrant, ExpiryCannotOutliveTheCreator) {
  Identity admin = Admin();
  admin.expires_at = 5000;
  KeySpec forever = Spec(Role::kUser);
  EXPECT_EQ(CheckGrant(admin, forever).code(), StatusCode::kPermissionDenied);
  KeySpec later = Spec(Role::kUser);
  later.expires_at = 5001;
  EXPECT_EQ(CheckGrant(admin, later).code(), StatusCode::kPermissionDenied);
  KeySpec sooner = Spec(Role::kUser);
  sooner.expires_at = 4000;
  EXPECT_TRUE(CheckGrant(admin, sooner).ok());
}

TEST(KeyGrant, SpecValidation) {
  KeySpec s = Spec(Role::kUser);
  EXPECT_TRUE(ValidateKeySpec(s).ok());
  s.name = "";
  EXPECT_FALSE(ValidateKeySpec(s).ok());
  s.name = "ok";
  s.models = {"a,b"};
  EXPECT_FALSE(ValidateKeySpec(s).ok());
  s.models = {"bad\nname"};
  EXPECT_FALSE(ValidateKeySpec(s).ok());
  s.models = {"fine"};
  s.limits.tokens_per_minute = -1;
  EXPECT_FALSE(ValidateKeySpec(s).ok());
}

}  // namespace
}  // namespace bastion::auth
