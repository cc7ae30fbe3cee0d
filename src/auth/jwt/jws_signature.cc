#include "auth/jwt/jws_signature.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>

#include <memory>
#include <string>

namespace bastion::auth {
namespace {

constexpr size_t kP256CoordinateBytes = 32;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

Status BadSignature() { return Status::Unauthenticated("token signature does not verify"); }

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// JWS carries r || s as two fixed-size big-endian integers; OpenSSL verifies DER.
Result<std::string> RawEcdsaToDer(std::string_view raw) {
  if (raw.size() != 2 * kP256CoordinateBytes) return BadSignature();
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(Bytes(raw), kP256CoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(Bytes(raw.substr(kP256CoordinateBytes)), kP256CoordinateBytes, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return Status::Internal("out of memory checking a signature");
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return Status::Internal("cannot encode an ECDSA signature");
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Status VerifyJwsSignature(JwsAlg alg, EVP_PKEY* key, std::string_view signing_input,
                          std::string_view signature) {
  std::string der;
  if (alg == JwsAlg::kEs256) {
    auto converted = RawEcdsaToDer(signature);
    if (!converted.ok()) return converted.status();
    der = std::move(*converted);
    signature = der;
  } else if (alg == JwsAlg::kRs256 &&
             signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key))) {
    return BadSignature();
  }
  // Ed25519 hashes internally: no separate digest.
  const EVP_MD* digest = alg == JwsAlg::kEdDsa ? nullptr : EVP_sha256();
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, digest, nullptr, key) != 1) {
    return Status::Internal("cannot start a signature check");
  }
  if (EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(signing_input),
                       signing_input.size()) != 1) {
    ERR_clear_error();  // the failure is reported here, not left for unrelated OpenSSL callers
    return BadSignature();
  }
  return Status::Ok();
}

}  // namespace bastion::auth
