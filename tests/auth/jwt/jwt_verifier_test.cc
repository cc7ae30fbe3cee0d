// Tokens that must pass, how the key is chosen, and LooksLikeJwt.
#include "auth/jwt/jwt_verifier.h"

#include <gtest/gtest.h>

#include "jwt_test_tokens.h"

namespace bastion::auth::testing {
namespace {

using JwtVerifierTest = JwtTestBase;

void ExpectAlice(const Result<VerifiedJwt>& result) {
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->subject, "alice");
  EXPECT_EQ(result->role_values, (std::vector<std::string>{"admin", "user"}));
  EXPECT_EQ(result->expires_at, kNow + 600);
}

TEST_F(JwtVerifierTest, AcceptsRs256) {
  ExpectAlice(Verify(SignToken(keys().rsa, Header("RS256", "rsa-1"), Claims())));
}

TEST_F(JwtVerifierTest, AcceptsEs256) {
  ExpectAlice(Verify(SignToken(keys().ec, Header("ES256", "ec-1"), Claims())));
}

TEST_F(JwtVerifierTest, AcceptsEdDsa) {
  ExpectAlice(Verify(SignToken(keys().ed, Header("EdDSA", "ed-1"), Claims())));
}

TEST_F(JwtVerifierTest, AcceptsAccessTokenTypesInAnyCase) {
  for (std::string typ : {"JWT", "jwt", "at+jwt", "AT+JWT"}) {
    const std::string header = R"({"alg":"ES256","kid":"ec-1","typ":")" + typ + R"("})";
    ExpectAlice(Verify(SignToken(keys().ec, header, Claims())));
  }
  ExpectAlice(Verify(SignToken(keys().ec, R"({"alg":"ES256","kid":"ec-1"})", Claims())));
}

TEST_F(JwtVerifierTest, WithoutKidUsesTheOnlyKeyOfTheType) {
  ExpectAlice(Verify(SignToken(keys().rsa, R"({"alg":"RS256"})", Claims())));
  ExpectAlice(Verify(SignToken(keys().ed, R"({"alg":"EdDSA","kid":""})", Claims())));
}

TEST_F(JwtVerifierTest, WithoutKidRefusesWhenTwoKeysCouldMatch) {
  const TestKey second = TestKey::EcP256();
  auto set = Jwks::Parse(JwksOf({keys().ec.Jwk("a"), second.Jwk("b")}));
  ASSERT_TRUE(set.ok());
  auto result = VerifyJwt(SignToken(second, R"({"alg":"ES256"})", Claims()), **set, policy_, kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("no key id"), std::string::npos);
  EXPECT_TRUE(
      VerifyJwt(SignToken(second, Header("ES256", "b"), Claims()), **set, policy_, kNow).ok());
}

TEST_F(JwtVerifierTest, RefusesUnknownKid) {
  const std::string token = SignToken(keys().rsa, Header("RS256", "rsa-2"), Claims());
  ExpectRefused(token, "unknown key id");
  EXPECT_TRUE(IsUnknownKeyIdError(Verify(token).status()));
  EXPECT_FALSE(IsUnknownKeyIdError(Status::Unauthenticated("token expired")));
}

TEST_F(JwtVerifierTest, KidIsOnlyEverComparedNeverInterpreted) {
  for (std::string kid : {"' OR '1'='1", "../../etc/passwd", "rsa-1\\u0000", "rsa-1 ", "RSA-1",
                          "%72sa-1", "*", "/dev/null"}) {
    const std::string header = R"({"alg":"RS256","kid":")" + kid + R"("})";
    ExpectRefused(SignToken(keys().rsa, header, Claims()), "unknown key id");
  }
  const std::string long_kid(300, 'k');
  ExpectRefused(SignToken(keys().rsa, Header("RS256", long_kid), Claims()), "too long");
}

TEST_F(JwtVerifierTest, AcceptsAKeyBoundToItsAlgorithm) {
  const TestKey ec = TestKey::EcP256();
  auto set = Jwks::Parse(JwksOf({ec.Jwk("bound", "ES256")}));
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE(
      VerifyJwt(SignToken(ec, Header("ES256", "bound"), Claims()), **set, policy_, kNow).ok());
}

TEST(JwtShapeTest, LooksLikeJwt) {
  const std::string token = SignToken(SharedTestKeys().ed, Header("EdDSA", "ed-1"), Claims());
  EXPECT_TRUE(LooksLikeJwt(token));
  EXPECT_TRUE(LooksLikeJwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));  // unsigned: still a JWT
  EXPECT_FALSE(LooksLikeJwt("bst_live_0123456789abcdef"));
  EXPECT_FALSE(LooksLikeJwt("eyJa.b"));
  EXPECT_FALSE(LooksLikeJwt("eyJa.b.c.d"));
  EXPECT_FALSE(LooksLikeJwt("abc.def.ghi"));
  EXPECT_FALSE(LooksLikeJwt("eyJa..c"));
  EXPECT_FALSE(LooksLikeJwt("eyJa.b=.c"));
  EXPECT_FALSE(LooksLikeJwt("eyJa.b c.d"));
  EXPECT_FALSE(LooksLikeJwt(""));
}

}  // namespace
}  // namespace bastion::auth::testing
