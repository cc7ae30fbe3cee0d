#include "auth/jwt/jwk_public_key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include <string>

namespace bastion::auth {
namespace {

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

BnPtr ToBignum(std::string_view bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr));
}

// Builds a public key of OpenSSL type `type` ("RSA", "EC") from `params`, then runs
// OpenSSL's own public-key check (for EC: the point is on the curve and not infinity).
Status NotAKey(std::string_view what) {
  ERR_clear_error();  // reported here, not left for unrelated OpenSSL callers
  return Status::InvalidArgument("not a valid " + std::string(what) + " public key");
}

Result<EvpPkeyPtr> FromParams(const char* type, OSSL_PARAM_BLD* bld, std::string_view what) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    return Status::Internal("OpenSSL cannot build " + std::string(what) + " keys");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return NotAKey(what);
  }
  EvpPkeyPtr key(raw);
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return NotAKey(what);
  }
  return key;
}

}  // namespace

Result<EvpPkeyPtr> RsaPublicKey(std::string_view modulus, std::string_view exponent) {
  BnPtr n = ToBignum(modulus);
  BnPtr e = ToBignum(exponent);
  if (!n || !e) return Status::Internal("out of memory decoding an RSA key");
  const int bits = BN_num_bits(n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return Status::InvalidArgument("RSA modulus of " + std::to_string(bits) + " bits; between " +
                                   std::to_string(kMinRsaBits) + " and " +
                                   std::to_string(kMaxRsaBits) + " are accepted");
  }
  // Real keys use 65537; a huge exponent would only make every verification slow.
  if (BN_num_bits(e.get()) > 32 || !BN_is_odd(e.get()) || BN_is_one(e.get())) {
    return Status::InvalidArgument("RSA exponent is not an odd number from 3 to 2^32-1");
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return Status::Internal("out of memory building an RSA key");
  }
  return FromParams("RSA", bld.get(), "RSA");
}

Result<EvpPkeyPtr> EcP256PublicKey(std::string_view x, std::string_view y) {
  if (x.size() != 32 || y.size() != 32) {
    return Status::InvalidArgument("P-256 coordinates must be 32 bytes each");
  }
  std::string point = "\x04";  // uncompressed SEC1 encoding: 04 || x || y
  point.append(x).append(y);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return Status::Internal("out of memory building an EC key");
  }
  return FromParams("EC", bld.get(), "P-256");
}

Result<EvpPkeyPtr> Ed25519PublicKey(std::string_view x) {
  if (x.size() != 32) return Status::InvalidArgument("an Ed25519 key must be 32 bytes");
  EvpPkeyPtr key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x.data()), x.size()));
  if (!key) return NotAKey("Ed25519");
  return key;
}

}  // namespace bastion::auth
