#pragma once
// Shared setup for the JWT verifier tests: a key set holding one key of each type, a policy,
// a fixed "now", and claim sets that pass or fail one check each.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "auth/jwt/jwt_verifier.h"
#include "jwt_test_signer.h"

namespace bastion::auth::testing {

inline constexpr int64_t kNow = 1'700'000'000;
inline constexpr std::string_view kIssuer = "https://idp.example.com/";

inline std::string At(int64_t offset) { return std::to_string(kNow + offset); }

// Valid claims plus `extra` members (", "-prefixed JSON members, or empty).
inline std::string Claims(std::string_view extra = "") {
  return R"({"iss":"https://idp.example.com/","aud":"bastion","sub":"alice","exp":)" + At(600) +
         R"(,"iat":)" + At(-10) + R"(,"roles":["admin","user"])" + std::string(extra) + "}";
}

inline std::string Header(std::string_view alg, std::string_view kid) {
  return R"({"alg":")" + std::string(alg) + R"(","typ":"JWT","kid":")" + std::string(kid) + R"("})";
}

class JwtTestBase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const TestKeys& keys = SharedTestKeys();
    auto set = Jwks::Parse(
        JwksOf({keys.rsa.Jwk("rsa-1"), keys.ec.Jwk("ec-1"), keys.ed.Jwk("ed-1", "EdDSA")}));
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    jwks_ = std::move(*set);
  }
  static void TearDownTestSuite() { jwks_.reset(); }

  static const TestKeys& keys() { return SharedTestKeys(); }

  JwtPolicy policy_{.issuer = std::string(kIssuer), .audiences = {"bastion", "other"}};

  Result<VerifiedJwt> Verify(std::string_view token) const {
    return VerifyJwt(token, *jwks_, policy_, kNow);
  }

  // Expects `token` refused with `reason` in the message, and that no part of the token
  // (longer than a few characters) appears in it.
  void ExpectRefused(const std::string& token, std::string_view reason) const {
    auto result = Verify(token);
    ASSERT_FALSE(result.ok()) << "accepted, expected: " << reason;
    EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
    const std::string& message = result.status().message();
    EXPECT_NE(message.find(reason), std::string::npos) << message;
    size_t start = 0;
    while (start <= token.size()) {
      size_t end = token.find('.', start);
      if (end == std::string::npos) end = token.size();
      const std::string part = token.substr(start, end - start);
      if (part.size() > 8) {
        EXPECT_EQ(message.find(part.substr(0, 8)), std::string::npos) << message;
      }
      start = end + 1;
    }
  }

  static inline std::shared_ptr<const Jwks> jwks_;
};

}  // namespace bastion::auth::testing
