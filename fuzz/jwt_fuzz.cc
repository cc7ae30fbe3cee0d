// A bearer token is the first thing an unauthenticated client controls: the whole input as a
// token against a fixed key set (Ed25519 and EC P-256 public keys; the corpus holds tokens
// signed with their private halves, so the claim checks are reached too), and, split at the
// first newline, a key set of the input's own followed by a token checked against it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/jwt/base64url.h"
#include "auth/jwt/jwt_verifier.h"

namespace {

constexpr std::string_view kFixedJwks = R"({"keys":[
  {"kty":"OKP","crv":"Ed25519","use":"sig","kid":"fuzz-ed","alg":"EdDSA",
   "x":"E8wCbhJw8p-fK0JLPjAvx3A3n0hZQ5gtkOWA9NDZiec"},
  {"kty":"EC","crv":"P-256","use":"sig","kid":"fuzz-ec",
   "x":"vFTtchsJvK9OowpRNBCES6L3zuffpXUvVarrmPqiHzQ",
   "y":"LX1PlHxVqFRu06T00AxPOKUr-Zl3t8N-eiTWuE8qgvg"}]})";
constexpr int64_t kNow = 1'700'000'000;

const bastion::auth::Jwks& FixedJwks() {
  static const std::shared_ptr<const bastion::auth::Jwks> keys = [] {
    auto parsed = bastion::auth::Jwks::Parse(kFixedJwks);
    if (!parsed.ok()) __builtin_trap();
    return *parsed;
  }();
  return *keys;
}

const bastion::auth::JwtPolicy& Policy() {
  static const bastion::auth::JwtPolicy policy{.issuer = "https://idp.example.com/",
                                               .audiences = {"bastion"}};
  return policy;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion::auth;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  volatile size_t sink = LooksLikeJwt(input) ? 1 : 0;
  auto verified = VerifyJwt(input, FixedJwks(), Policy(), kNow);
  sink = sink + (verified.ok() ? verified->subject.size() + verified->role_values.size()
                               : verified.status().message().size());
  auto decoded = DecodeBase64Url(input, 1 << 16, "input");
  sink = sink + (decoded.ok() ? decoded->size() : 0);
  const size_t newline = input.find('\n');
  auto own = Jwks::Parse(input.substr(0, newline));
  if (own.ok() && newline != std::string_view::npos) {
    auto against_own = VerifyJwt(input.substr(newline + 1), **own, Policy(), kNow);
    sink = sink + (against_own.ok() ? 1 : against_own.status().message().size());
  }
  return 0;
}
