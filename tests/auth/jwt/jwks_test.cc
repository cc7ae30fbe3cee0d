#include <gtest/gtest.h>

#include "auth/jwt/base64url.h"
#include "auth/jwt/jwk.h"
#include "auth/jwt/jwt_verifier.h"
#include "jwt_test_signer.h"

namespace bastion::auth {
namespace {

using testing::JwksOf;
using testing::SharedTestKeys;
using testing::TestKey;

std::string ErrorOf(std::string_view json) {
  auto parsed = Jwks::Parse(json);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? "" : parsed.status().message();
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(JwksTest, ParsesOneKeyOfEachType) {
  const auto& keys = SharedTestKeys();
  auto set = Jwks::Parse(
      JwksOf({keys.rsa.Jwk("r", "RS256"), keys.ec.Jwk("e", "ES256"), keys.ed.Jwk("d", "EdDSA")}));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ((*set)->size(), 3u);
  const auto& jwks = (*set)->keys();
  EXPECT_EQ(jwks[0].type, JwkType::kRsa);
  EXPECT_EQ(jwks[0].kid, "r");
  EXPECT_EQ(jwks[0].alg, JwsAlg::kRs256);
  EXPECT_EQ(jwks[1].type, JwkType::kEcP256);
  EXPECT_EQ(jwks[2].type, JwkType::kEd25519);
  for (const Jwk& key : jwks) EXPECT_NE(key.key, nullptr);
}

TEST(JwksTest, KidAndAlgAreOptional) {
  const auto& keys = SharedTestKeys();
  auto set = Jwks::Parse(JwksOf({"{" + keys.ed.PublicMembers() + "}"}));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ((*set)->keys()[0].kid, "");
  EXPECT_FALSE((*set)->keys()[0].alg.has_value());
}

TEST(JwksTest, SkipsKeysItCannotUse) {
  const auto& keys = SharedTestKeys();
  const std::string enc = "{" + keys.rsa.PublicMembers() + ",\"use\":\"enc\",\"kid\":\"enc\"}";
  const std::string ed448 = R"({"kty":"OKP","crv":"Ed448","x":"AAAA","kid":"x"})";
  const std::string p384 = R"({"kty":"EC","crv":"P-384","x":"AAAA","y":"AAAA","kid":"p"})";
  const std::string oct = R"({"kty":"oct","k":"c2VjcmV0","kid":"hmac"})";
  const std::string rs384 = keys.rsa.Jwk("rs384", "RS384");
  const std::string mismatched = keys.ec.Jwk("ec-as-rsa", "RS256");
  auto set = Jwks::Parse(JwksOf({enc, ed448, p384, oct, rs384, mismatched, keys.ed.Jwk("ok")}));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ((*set)->size(), 1u);
  EXPECT_EQ((*set)->keys()[0].kid, "ok");
}

TEST(JwksTest, RefusesASetWithoutUsableKeys) {
  const auto& keys = SharedTestKeys();
  EXPECT_TRUE(Contains(ErrorOf(R"({"keys":[]})"), "no usable key"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})"), "no usable key"));
  EXPECT_TRUE(Contains(ErrorOf(JwksOf({"{" + keys.ec.PublicMembers() + ",\"use\":\"enc\"}"})),
                       "no usable key"));
}

TEST(JwksTest, RefusesMalformedDocuments) {
  EXPECT_TRUE(Contains(ErrorOf("not json"), "not valid JSON"));
  EXPECT_TRUE(Contains(ErrorOf("[]"), "not a JSON object"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"keys":{}})"), "no \"keys\" array"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"keys":[1]})"), "not an object"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"keys":[],"keys":[]})"), "repeats a member"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"keys":[{"kty":7}]})"), "\"kty\" is not a string"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"keys":[{"kty":"RSA","e":"AQAB"}]})"), "no \"n\""));
}

TEST(JwksTest, RefusesShortRsaModuli) {
  const TestKey weak = TestKey::Rsa(1024);
  const std::string error = ErrorOf(JwksOf({weak.Jwk("weak"), SharedTestKeys().ed.Jwk("ok")}));
  EXPECT_TRUE(Contains(error, "1024 bits")) << error;
  EXPECT_TRUE(Contains(error, "key 0")) << error;
}

TEST(JwksTest, RefusesBadRsaExponents) {
  const auto& keys = SharedTestKeys();
  std::string jwk = keys.rsa.Jwk("r");
  const size_t e = jwk.find("\"e\":\"AQAB\"");
  ASSERT_NE(e, std::string::npos);
  for (std::string bad : {"AQ", "Ag", "AQAAAAAB"}) {  // 1, 2, 2^32+1
    std::string variant = jwk;
    variant.replace(e, 10, "\"e\":\"" + bad + "\"");
    EXPECT_TRUE(Contains(ErrorOf(JwksOf({variant})), "exponent")) << bad;
  }
}

// The x and y members of an EC JWK, decoded, and a JWK built from (possibly altered) ones.
struct EcMembers {
  std::string x, y;
  std::string Jwk() const {
    return R"({"kty":"EC","crv":"P-256","x":")" + EncodeBase64Url(x) + R"(","y":")" +
           EncodeBase64Url(y) + R"("})";
  }
};

EcMembers MembersOf(const TestKey& key) {
  return {testing::BignumBytes(key.pkey(), OSSL_PKEY_PARAM_EC_PUB_X, 32),
          testing::BignumBytes(key.pkey(), OSSL_PKEY_PARAM_EC_PUB_Y, 32)};
}

TEST(JwksTest, RefusesEcPointsOffTheCurve) {
  EcMembers members = MembersOf(SharedTestKeys().ec);
  ASSERT_TRUE(Jwks::Parse(JwksOf({members.Jwk()})).ok());
  members.y[31] = static_cast<char>(members.y[31] ^ 1);
  EXPECT_TRUE(Contains(ErrorOf(JwksOf({members.Jwk()})), "not a valid P-256 public key"));
  EcMembers zero{std::string(32, '\0'), std::string(32, '\0')};
  EXPECT_FALSE(Jwks::Parse(JwksOf({zero.Jwk()})).ok());
}

TEST(JwksTest, RefusesWrongCoordinateSizes) {
  EcMembers members = MembersOf(SharedTestKeys().ec);
  members.x = members.x.substr(1);
  EXPECT_TRUE(Contains(ErrorOf(JwksOf({members.Jwk()})), "32 bytes"));
  const std::string short_ed =
      R"({"kty":"OKP","crv":"Ed25519","x":")" + EncodeBase64Url(std::string(31, 'a')) + R"("})";
  EXPECT_TRUE(Contains(ErrorOf(JwksOf({short_ed})), "32 bytes"));
}

TEST(JwksTest, RefusesRepeatedKids) {
  const auto& keys = SharedTestKeys();
  EXPECT_TRUE(Contains(ErrorOf(JwksOf({keys.ec.Jwk("same"), keys.ed.Jwk("same")})), "\"kid\""));
}

TEST(JwksTest, BoundsTheSet) {
  const std::string anonymous = "{" + SharedTestKeys().ed.PublicMembers() + "}";
  EXPECT_TRUE(Jwks::Parse(JwksOf(std::vector<std::string>(64, anonymous))).ok());
  EXPECT_TRUE(Contains(ErrorOf(JwksOf(std::vector<std::string>(65, anonymous))), "more than 64"));
  const std::string padded = JwksOf({anonymous}) + std::string(70000, ' ');
  EXPECT_TRUE(Contains(ErrorOf(padded), "larger than 64 KiB"));
}

}  // namespace
}  // namespace bastion::auth
