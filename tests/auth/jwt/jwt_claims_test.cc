// The claim checks, on validly signed tokens: times with skew, issuer, audience, subject, roles.
#include <gtest/gtest.h>

#include "jwt_test_tokens.h"

namespace bastion::auth::testing {
namespace {

class JwtClaimsTest : public JwtTestBase {
 protected:
  // A validly signed token carrying exactly `claims`.
  static std::string Signed(std::string_view claims) {
    return SignToken(keys().ed, Header("EdDSA", "ed-1"), claims);
  }

  // Valid claims whose time members are exactly `times` ("\"exp\":123").
  static std::string WithTimes(std::string_view times) {
    return R"({"iss":"https://idp.example.com/","aud":"bastion","sub":"alice",)" +
           std::string(times) + "}";
  }
};

TEST_F(JwtClaimsTest, RefusesExpiredTokensBeyondTheSkew) {
  EXPECT_TRUE(Verify(Signed(WithTimes(R"("exp":)" + At(-30)))).ok());  // within 60 s
  EXPECT_TRUE(Verify(Signed(WithTimes(R"("exp":)" + At(-59)))).ok());
  ExpectRefused(Signed(WithTimes(R"("exp":)" + At(-60))), "token expired");
  ExpectRefused(Signed(WithTimes(R"("exp":)" + At(-3600))), "token expired");
  policy_.clock_skew = std::chrono::seconds(0);
  ExpectRefused(Signed(WithTimes(R"("exp":)" + At(0))), "token expired");
  EXPECT_TRUE(Verify(Signed(WithTimes(R"("exp":)" + At(1)))).ok());
}

TEST_F(JwtClaimsTest, RequiresANumericExp) {
  ExpectRefused(Signed(WithTimes(R"("iat":)" + At(0))), "no expiry");
  ExpectRefused(Signed(WithTimes(R"("exp":")" + At(600) + "\"")), "\"exp\" is not a date");
  ExpectRefused(Signed(WithTimes(R"("exp":null)")), "\"exp\" is not a date");
  ExpectRefused(Signed(WithTimes(R"("exp":1e300)")), "\"exp\" is not a date");
  ExpectRefused(Signed(WithTimes(R"("exp":18446744073709551615)")), "\"exp\" is not a date");
  auto fractional = Verify(Signed(WithTimes(R"("exp":)" + At(600) + ".75")));
  ASSERT_TRUE(fractional.ok()) << fractional.status().ToString();
  EXPECT_EQ(fractional->expires_at, kNow + 600);
}

TEST_F(JwtClaimsTest, RefusesTokensNotYetValid) {
  const std::string exp = R"("exp":)" + At(600);
  EXPECT_TRUE(Verify(Signed(WithTimes(exp + R"(,"nbf":)" + At(60)))).ok());
  ExpectRefused(Signed(WithTimes(exp + R"(,"nbf":)" + At(61))), "not yet valid");
  ExpectRefused(Signed(WithTimes(exp + R"(,"nbf":true)")), "\"nbf\" is not a date");
}

TEST_F(JwtClaimsTest, RefusesTokensIssuedInTheFuture) {
  const std::string exp = R"("exp":)" + At(6000);
  EXPECT_TRUE(Verify(Signed(WithTimes(exp + R"(,"iat":)" + At(60)))).ok());
  ExpectRefused(Signed(WithTimes(exp + R"(,"iat":)" + At(3600))), "issued in the future");
}

TEST_F(JwtClaimsTest, ChecksTheIssuerExactly) {
  ExpectRefused(Signed(R"({"aud":"bastion","sub":"a","exp":)" + At(600) + "}"),
                "issuer not accepted");
  for (std::string iss : {"\"https://idp.example.com\"", "\"https://IDP.example.com/\"", "null",
                          "[\"https://idp.example.com/\"]"}) {
    const std::string claims =
        R"({"iss":)" + iss + R"(,"aud":"bastion","sub":"a","exp":)" + At(600) + "}";
    ExpectRefused(Signed(claims), "issuer not accepted");
  }
  policy_.issuer.clear();
  const std::string no_issuer = R"({"aud":"bastion","sub":"a","exp":)" + At(600) + "}";
  EXPECT_TRUE(Verify(Signed(no_issuer)).ok());
}

TEST_F(JwtClaimsTest, ChecksTheAudience) {
  const std::string rest = R"(,"iss":"https://idp.example.com/","sub":"a","exp":)" + At(600) + "}";
  EXPECT_TRUE(Verify(Signed(R"({"aud":"other")" + rest)).ok());
  EXPECT_TRUE(Verify(Signed(R"({"aud":["account","bastion"])" + rest)).ok());
  EXPECT_TRUE(Verify(Signed(R"({"aud":[1,{},"bastion"])" + rest)).ok());
  ExpectRefused(Signed(R"({"aud":"account")" + rest), "audience not accepted");
  ExpectRefused(Signed(R"({"aud":["account","Bastion"])" + rest), "audience not accepted");
  ExpectRefused(Signed(R"({"aud":[])" + rest), "audience not accepted");
  ExpectRefused(Signed(R"({"aud":7)" + rest), "audience not accepted");
  ExpectRefused(Signed(R"({"x":1)" + rest), "audience not accepted");
  policy_.audiences.clear();
  EXPECT_TRUE(Verify(Signed(R"({"aud":"account")" + rest)).ok());
}

TEST_F(JwtClaimsTest, RequiresASubject) {
  const std::string rest = R"("iss":"https://idp.example.com/","aud":"bastion","exp":)" + At(600);
  ExpectRefused(Signed("{" + rest + "}"), "no subject");
  ExpectRefused(Signed("{" + rest + R"(,"sub":""})"), "no subject");
  ExpectRefused(Signed("{" + rest + R"(,"sub":42})"), "no subject");
  ExpectRefused(Signed("{" + rest + R"(,"sub":")" + std::string(300, 's') + "\"}"), "too long");
}

TEST_F(JwtClaimsTest, ReadsTheRoleClaim) {
  const std::string base =
      R"({"iss":"https://idp.example.com/","aud":"bastion","sub":"a","exp":)" + At(600);
  auto roles = [&](std::string_view member) {
    auto result = Verify(Signed(base + std::string(member) + "}"));
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? result->role_values : std::vector<std::string>{"<refused>"};
  };
  using Roles = std::vector<std::string>;
  EXPECT_EQ(roles(R"(,"roles":"admin")"), Roles{"admin"});
  EXPECT_EQ(roles(R"(,"roles":["user","admin"])"), (Roles{"user", "admin"}));
  EXPECT_EQ(roles(R"(,"roles":["user",7,null,{"x":1},["admin"],"ops"])"), (Roles{"user", "ops"}));
  EXPECT_EQ(roles(R"(,"roles":7)"), Roles{});
  EXPECT_EQ(roles(R"(,"roles":{"admin":true})"), Roles{});
  EXPECT_EQ(roles(""), Roles{});
  policy_.role_claim = "groups";
  EXPECT_EQ(roles(R"(,"roles":"admin","groups":["g1"])"), Roles{"g1"});
}

}  // namespace
}  // namespace bastion::auth::testing
