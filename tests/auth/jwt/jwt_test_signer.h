#pragma once
// Test-only JWT issuer: fresh OpenSSL keys (RSA, EC P-256, Ed25519), their public JWKs, and
// compact tokens signed with them — correctly, or in the malformed ways attackers try.
// Header-only: the unit-test glob compiles *_test.cc files only.

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt/base64url.h"

namespace bastion::auth::testing {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

inline std::string BignumBytes(const EVP_PKEY* key, const char* name, int pad = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error(name);
  std::string out(pad > 0 ? pad : BN_num_bytes(bn), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

class TestKey {
 public:
  enum class Kind { kRsa, kEc, kEd25519 };

  static TestKey Rsa(size_t bits = 2048) {
    return TestKey(Kind::kRsa, EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
  }
  static TestKey EcP256() {
    return TestKey(Kind::kEc, EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  }
  static TestKey Ed25519() {
    return TestKey(Kind::kEd25519, EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  }

  Kind kind() const { return kind_; }
  EVP_PKEY* pkey() const { return key_.get(); }

  // The public key as JWK members (without braces), e.g. "kty":"EC","crv":"P-256","x":..,"y":..
  std::string PublicMembers() const {
    auto b64 = [](const std::string& bytes) { return "\"" + EncodeBase64Url(bytes) + "\""; };
    switch (kind_) {
      case Kind::kRsa:
        return "\"kty\":\"RSA\",\"n\":" + b64(BignumBytes(pkey(), OSSL_PKEY_PARAM_RSA_N)) +
               ",\"e\":" + b64(BignumBytes(pkey(), OSSL_PKEY_PARAM_RSA_E));
      case Kind::kEc:
        return "\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":" +
               b64(BignumBytes(pkey(), OSSL_PKEY_PARAM_EC_PUB_X, 32)) +
               ",\"y\":" + b64(BignumBytes(pkey(), OSSL_PKEY_PARAM_EC_PUB_Y, 32));
      case Kind::kEd25519: {
        std::string x(32, '\0');
        size_t length = x.size();
        EVP_PKEY_get_raw_public_key(pkey(), reinterpret_cast<unsigned char*>(x.data()), &length);
        return "\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":" + b64(x);
      }
    }
    return "";
  }

  // One JWK object; `alg` empty: no "alg" member.
  std::string Jwk(std::string_view kid, std::string_view alg = "") const {
    std::string out =
        "{" + PublicMembers() + ",\"use\":\"sig\",\"kid\":\"" + std::string(kid) + "\"";
    if (!alg.empty()) out += ",\"alg\":\"" + std::string(alg) + "\"";
    return out + "}";
  }

  // The public key as PEM: the "secret" of the classic RS256-to-HS256 confusion attack.
  std::string PublicPem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pkey());
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<size_t>(length));
    BIO_free(bio);
    return out;
  }

  // The signature bytes a JWS carries: PKCS#1 v1.5 for RSA, raw r || s for EC (or the DER
  // form when `der`), Ed25519's 64 bytes.
  std::string Sign(std::string_view input, bool der = false) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const EVP_MD* md = kind_ == Kind::kEd25519 ? nullptr : EVP_sha256();
    EVP_DigestSignInit(ctx, nullptr, md, nullptr, pkey());
    size_t length = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(input.data());
    EVP_DigestSign(ctx, nullptr, &length, in, input.size());
    std::string sig(length, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &length, in, input.size());
    EVP_MD_CTX_free(ctx);
    sig.resize(length);
    return kind_ == Kind::kEc && !der ? DerToRaw(sig) : sig;
  }

 private:
  TestKey(Kind kind, EVP_PKEY* key) : kind_(kind), key_(key, PkeyFree()) {
    if (!key) throw std::runtime_error("key generation failed");
  }

  static std::string DerToRaw(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    std::string raw(64, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + 32, 32);
    ECDSA_SIG_free(sig);
    return raw;
  }

  Kind kind_;
  std::shared_ptr<EVP_PKEY> key_;
};

// One key of each type, generated once per test process (RSA generation is slow).
struct TestKeys {
  TestKey rsa = TestKey::Rsa();
  TestKey ec = TestKey::EcP256();
  TestKey ed = TestKey::Ed25519();
};

inline const TestKeys& SharedTestKeys() {
  static const TestKeys keys;
  return keys;
}

inline std::string JwksOf(const std::vector<std::string>& jwks) {
  std::string out = "{\"keys\":[";
  for (size_t i = 0; i < jwks.size(); ++i) out += (i ? "," : "") + jwks[i];
  return out + "]}";
}

// "<b64(header)>.<b64(payload)>": what the signature covers.
inline std::string SigningInput(std::string_view header_json, std::string_view payload_json) {
  return EncodeBase64Url(header_json) + "." + EncodeBase64Url(payload_json);
}

inline std::string SignToken(const TestKey& key, std::string_view header_json,
                             std::string_view payload_json, bool der = false) {
  const std::string input = SigningInput(header_json, payload_json);
  return input + "." + EncodeBase64Url(key.Sign(input, der));
}

inline std::string HmacToken(std::string_view secret, std::string_view header_json,
                             std::string_view payload_json) {
  const std::string input = SigningInput(header_json, payload_json);
  unsigned char mac[32];
  unsigned int length = sizeof(mac);
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return input + "." + EncodeBase64Url(std::string(reinterpret_cast<char*>(mac), length));
}

}  // namespace bastion::auth::testing
