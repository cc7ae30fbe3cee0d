// Tokens forged or bent the ways attackers try against JWT libraries; every one is refused,
// and no refusal repeats the token.
#include <gtest/gtest.h>

#include "auth/jwt/base64url.h"
#include "jwt_test_tokens.h"

namespace bastion::auth::testing {
namespace {

using JwtAttackTest = JwtTestBase;

// "<header>.<payload>." plus `signature`, unsigned.
std::string Unsigned(std::string_view header, std::string_view signature = "") {
  return SigningInput(header, Claims()) + "." + std::string(signature);
}

TEST_F(JwtAttackTest, RefusesAlgNone) {
  for (std::string alg : {"none", "None", "NONE", "nOnE"}) {
    const std::string header = R"({"alg":")" + alg + R"(","typ":"JWT"})";
    ExpectRefused(Unsigned(header), "algorithm not allowed: " + alg);
    ExpectRefused(Unsigned(header, EncodeBase64Url("x")), "algorithm not allowed");
    const std::string with_kid = R"({"alg":")" + alg + R"(","kid":"rsa-1"})";
    ExpectRefused(Unsigned(with_kid), "algorithm not allowed");
  }
}

TEST_F(JwtAttackTest, RefusesHs256SignedWithThePublicKey) {
  const std::string pem = keys().rsa.PublicPem();
  for (std::string alg : {"HS256", "HS384", "HS512"}) {
    const std::string header = R"({"alg":")" + alg + R"(","kid":"rsa-1"})";
    ExpectRefused(HmacToken(pem, header, Claims()), "algorithm not allowed: " + alg);
    ExpectRefused(HmacToken(pem, R"({"alg":")" + alg + R"("})", Claims()), "algorithm not allowed");
  }
}

TEST_F(JwtAttackTest, RefusesOtherAndMisspelledAlgorithms) {
  for (std::string alg : {"rs256", "RS384", "PS256", "ES384", "ES256K", "Ed25519", "EDDSA", "",
                          "RS256 ", "RSA-OAEP"}) {
    const std::string header = R"({"alg":")" + alg + R"(","kid":"rsa-1"})";
    ExpectRefused(SignToken(keys().rsa, header, Claims()), "algorithm not allowed");
  }
  ExpectRefused(SignToken(keys().rsa, R"({"kid":"rsa-1"})", Claims()), "no \"alg\"");
}

TEST_F(JwtAttackTest, RefusesAnAlgorithmThatDoesNotMatchTheKeyType) {
  // The signature is real, made by the key the kid names, but under another algorithm.
  ExpectRefused(SignToken(keys().ec, Header("RS256", "ec-1"), Claims()),
                "algorithm RS256 does not match the key's type (EC P-256)");
  ExpectRefused(SignToken(keys().rsa, Header("ES256", "rsa-1"), Claims()),
                "algorithm ES256 does not match the key's type (RSA)");
  ExpectRefused(SignToken(keys().rsa, Header("EdDSA", "rsa-1"), Claims()), "does not match");
  ExpectRefused(SignToken(keys().ed, Header("ES256", "ed-1"), Claims()), "does not match");
}

TEST_F(JwtAttackTest, RefusesATamperedPayload) {
  const std::string token = SignToken(keys().ec, Header("ES256", "ec-1"), Claims());
  const size_t first = token.find('.'), second = token.find('.', first + 1);
  const std::string forged_claims =
      EncodeBase64Url(Claims().replace(Claims().find("alice"), 5, "admin"));
  const std::string forged = token.substr(0, first + 1) + forged_claims + token.substr(second);
  ExpectRefused(forged, "signature does not verify");
}

TEST_F(JwtAttackTest, RefusesATamperedHeader) {
  const std::string token = SignToken(keys().rsa, Header("RS256", "rsa-1"), Claims());
  const std::string other = EncodeBase64Url(R"({"alg":"RS256","kid":"rsa-1"})");
  ExpectRefused(other + token.substr(token.find('.')), "signature does not verify");
}

TEST_F(JwtAttackTest, RefusesTamperedSignatures) {
  for (const TestKey* key : {&keys().rsa, &keys().ec, &keys().ed}) {
    const std::string alg = key == &keys().rsa ? "RS256" : key == &keys().ec ? "ES256" : "EdDSA";
    const std::string kid = key == &keys().rsa ? "rsa-1" : key == &keys().ec ? "ec-1" : "ed-1";
    const std::string input = SigningInput(Header(alg, kid), Claims());
    std::string signature = key->Sign(input);
    signature[signature.size() / 2] = static_cast<char>(signature[signature.size() / 2] ^ 0x20);
    ExpectRefused(input + "." + EncodeBase64Url(signature), "signature does not verify");
    const std::string good = key->Sign(input);
    ExpectRefused(input + "." + EncodeBase64Url(good.substr(0, good.size() - 1)),
                  "signature does not verify");
    ExpectRefused(input + "." + EncodeBase64Url(good + "x"), "signature does not verify");
    ExpectRefused(input + ".", "signature does not verify");
  }
}

TEST_F(JwtAttackTest, RefusesDerEncodedEs256Signatures) {
  const std::string token = SignToken(keys().ec, Header("ES256", "ec-1"), Claims(), /*der=*/true);
  ExpectRefused(token, "signature does not verify");
}

TEST_F(JwtAttackTest, RefusesZeroEs256Signature) {
  const std::string input = SigningInput(Header("ES256", "ec-1"), Claims());
  ExpectRefused(input + "." + EncodeBase64Url(std::string(64, '\0')), "signature does not verify");
}

TEST_F(JwtAttackTest, RefusesCriticalExtensions) {
  const std::string header = R"({"alg":"EdDSA","kid":"ed-1","crit":["exp"],"exp":1})";
  ExpectRefused(SignToken(keys().ed, header, Claims()), "\"crit\"");
  ExpectRefused(SignToken(keys().ed, R"({"alg":"EdDSA","kid":"ed-1","crit":[]})", Claims()),
                "\"crit\"");
}

TEST_F(JwtAttackTest, RefusesOtherTypes) {
  const std::string header = R"({"alg":"EdDSA","kid":"ed-1","typ":"JWE"})";
  ExpectRefused(SignToken(keys().ed, header, Claims()), "type is not JWT");
  ExpectRefused(SignToken(keys().ed, R"({"alg":"EdDSA","kid":"ed-1","typ":1})", Claims()),
                "\"typ\" is not a string");
}

TEST_F(JwtAttackTest, RefusesTokensOfTheWrongShape) {
  const std::string token = SignToken(keys().ed, Header("EdDSA", "ed-1"), Claims());
  ExpectRefused(token + ".", "three dot-separated parts");
  ExpectRefused(token + "." + token.substr(0, token.find('.')), "three dot-separated parts");
  ExpectRefused(token.substr(0, token.rfind('.')), "three dot-separated parts");
  ExpectRefused("", "three dot-separated parts");
  ExpectRefused("..", "header");
  ExpectRefused(token + "==", "signature is not valid base64url");
  ExpectRefused(" " + token, "header is not valid base64url");
}

TEST_F(JwtAttackTest, RefusesHugeTokens) {
  const std::string big_claims = Claims(R"(,"pad":")" + std::string(9000, 'x') + "\"");
  ExpectRefused(SignToken(keys().ed, Header("EdDSA", "ed-1"), big_claims), "larger than 8 KiB");
  const std::string big_header =
      R"({"alg":"EdDSA","kid":"ed-1","x":")" + std::string(3000, 'x') + "\"}";
  ExpectRefused(SignToken(keys().ed, big_header, Claims()), "header is longer than");
}

TEST_F(JwtAttackTest, RefusesHeadersThatAreNotOneCleanObject) {
  const std::string payload_and_signature = "." + EncodeBase64Url(Claims()) + ".AAAA";
  for (std::string header : {"not json", "[\"alg\",\"EdDSA\"]", "\"EdDSA\"", "{\"alg\":\"EdDSA\"",
                             "{\"alg\":\"EdDSA\"} {}", ""}) {
    ExpectRefused(EncodeBase64Url(header) + payload_and_signature, "token header");
  }
  ExpectRefused(SignToken(keys().ed, R"({"alg":7,"kid":"ed-1"})", Claims()),
                "\"alg\" is not a string");
  ExpectRefused(SignToken(keys().ed, R"({"alg":["EdDSA"],"kid":"ed-1"})", Claims()),
                "\"alg\" is not a string");
  ExpectRefused(SignToken(keys().ed, R"({"alg":null,"kid":"ed-1"})", Claims()),
                "\"alg\" is not a string");
  ExpectRefused(SignToken(keys().ed, R"({"alg":"EdDSA","kid":7})", Claims()),
                "\"kid\" is not a string");
  // Readers disagree on which of two "alg" members counts; refuse the ambiguity.
  ExpectRefused(SignToken(keys().ed, R"({"alg":"none","alg":"EdDSA","kid":"ed-1"})", Claims()),
                "repeats a member");
  ExpectRefused(SignToken(keys().ed, R"({"alg":"EdDSA","alg":"none","kid":"ed-1"})", Claims()),
                "repeats a member");
}

TEST_F(JwtAttackTest, RefusesPayloadsThatAreNotOneCleanObject) {
  const std::string header = Header("EdDSA", "ed-1");
  for (std::string payload : {"not json", "[]", "\"alice\"", "{\"sub\":\"alice\""}) {
    ExpectRefused(SignToken(keys().ed, header, payload), "token payload");
  }
  const std::string twice = Claims(R"(,"sub":"root")");
  ExpectRefused(SignToken(keys().ed, header, twice), "repeats a member");
}

TEST_F(JwtAttackTest, RefusalsNeverRepeatTheToken) {
  const std::string token = SignToken(keys().rsa, Header("RS256", "rsa-1"), Claims());
  const std::string signature = token.substr(token.rfind('.') + 1);
  const std::string payload =
      token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1);
  JwtPolicy strict = policy_;
  strict.issuer = "https://elsewhere/";
  auto refused = VerifyJwt(token, *jwks_, strict, kNow);
  ASSERT_FALSE(refused.ok());
  for (const std::string& part : {signature, payload, std::string("alice")}) {
    EXPECT_EQ(refused.status().ToString().find(part), std::string::npos);
  }
}

}  // namespace
}  // namespace bastion::auth::testing
