// Jwks::Parse: a JSON Web Key Set (RFC 7517 §5) down to the keys bastion can verify with.
#include <simdjson.h>

#include <set>

#include "auth/jwt/base64url.h"
#include "auth/jwt/jwk.h"
#include "auth/jwt/jwk_public_key.h"
#include "auth/jwt/jwt_json.h"
#include "auth/jwt/jwt_verifier.h"

namespace bastion::auth {
namespace {

constexpr size_t kMaxJwksBytes = 64 << 10;
constexpr size_t kMaxJwksKeys = 64;
constexpr size_t kMaxKidBytes = 256;
constexpr size_t kMaxMemberBytes = kMaxRsaBits / 8 + 1;  // decoded n, e, x or y

class JwkSet final : public Jwks {
 public:
  explicit JwkSet(std::vector<Jwk> keys) : keys_(std::move(keys)) {}
  size_t size() const override { return keys_.size(); }
  const std::vector<Jwk>& keys() const override { return keys_; }

 private:
  const std::vector<Jwk> keys_;
};

// A required base64url member of a key, decoded.
Result<std::string> KeyBytes(simdjson::dom::object jwk, std::string_view name) {
  auto text = jwt_json::OptionalString(jwk, name);
  if (!text.ok()) return text.status();
  if (!*text) return Status::InvalidArgument("no \"" + std::string(name) + "\"");
  return DecodeBase64Url(**text, kMaxMemberBytes, "\"" + std::string(name) + "\"");
}

// The key type a JWK describes, or nullopt for kinds bastion does not verify with.
Result<std::optional<JwkType>> SupportedType(simdjson::dom::object jwk) {
  auto kty = jwt_json::OptionalString(jwk, "kty");
  auto crv = jwt_json::OptionalString(jwk, "crv");
  if (!kty.ok()) return kty.status();
  if (!crv.ok()) return crv.status();
  if (!*kty) return Status::InvalidArgument("no \"kty\"");
  const std::string curve = crv->value_or("");
  if (**kty == "RSA") return std::optional(JwkType::kRsa);
  if (**kty == "EC" && curve == "P-256") return std::optional(JwkType::kEcP256);
  if (**kty == "OKP" && curve == "Ed25519") return std::optional(JwkType::kEd25519);
  return std::optional<JwkType>();
}

Result<EvpPkeyPtr> PublicKey(simdjson::dom::object jwk, JwkType type) {
  if (type == JwkType::kRsa) {
    auto n = KeyBytes(jwk, "n");
    if (!n.ok()) return n.status();
    auto e = KeyBytes(jwk, "e");
    if (!e.ok()) return e.status();
    return RsaPublicKey(*n, *e);
  }
  auto x = KeyBytes(jwk, "x");
  if (!x.ok()) return x.status();
  if (type == JwkType::kEd25519) return Ed25519PublicKey(*x);
  auto y = KeyBytes(jwk, "y");
  if (!y.ok()) return y.status();
  return EcP256PublicKey(*x, *y);
}

// One entry of "keys": a usable key, nullopt for one to skip (another use, type or
// algorithm), or an error for a key of a supported type that is malformed or weak.
Result<std::optional<Jwk>> ParseKey(simdjson::dom::object jwk) {
  if (Status s = jwt_json::CheckUniqueKeys(jwk, "the key"); !s.ok()) return s;
  auto use = jwt_json::OptionalString(jwk, "use");
  auto alg = jwt_json::OptionalString(jwk, "alg");
  auto kid = jwt_json::OptionalString(jwk, "kid");
  auto type = SupportedType(jwk);
  for (const Status* s : {&use.status(), &alg.status(), &kid.status(), &type.status()}) {
    if (!s->ok()) return *s;
  }
  if (use->value_or("sig") != "sig" || !*type) return std::optional<Jwk>();
  Jwk key{.type = **type, .kid = kid->value_or("")};
  if (*alg) {
    key.alg = ParseJwsAlg(**alg);
    // A key bound to an algorithm bastion refuses (RS384, ...) can never verify a token.
    if (!key.alg || KeyTypeFor(*key.alg) != key.type) return std::optional<Jwk>();
  }
  if (key.kid.size() > kMaxKidBytes) return Status::InvalidArgument("\"kid\" is too long");
  auto pkey = PublicKey(jwk, key.type);
  if (!pkey.ok()) return pkey.status();
  key.key = std::move(*pkey);
  return std::optional<Jwk>(std::move(key));
}

Status KeyError(size_t index, const Status& why) {
  return Status::InvalidArgument("key " + std::to_string(index) +
                                 " of the key set: " + why.message());
}

}  // namespace

Result<std::shared_ptr<const Jwks>> Jwks::Parse(std::string_view json) {
  if (json.size() > kMaxJwksBytes) {
    return Status::InvalidArgument("the key set is larger than 64 KiB");
  }
  simdjson::dom::parser parser;
  auto root = jwt_json::ParseObject(parser, json, "the key set");
  if (!root.ok()) return root.status();
  simdjson::dom::array entries;
  if (root->at_key("keys").get_array().get(entries) != simdjson::SUCCESS) {
    return Status::InvalidArgument("the key set has no \"keys\" array");
  }
  if (entries.size() > kMaxJwksKeys) {
    return Status::InvalidArgument("the key set holds more than 64 keys");
  }
  std::vector<Jwk> keys;
  std::set<std::string, std::less<>> kids;
  size_t next_index = 0;
  for (simdjson::dom::element entry : entries) {
    const size_t index = next_index++;
    simdjson::dom::object jwk;
    if (entry.get_object().get(jwk) != simdjson::SUCCESS) {
      return KeyError(index, Status::InvalidArgument("not an object"));
    }
    auto key = ParseKey(jwk);
    if (!key.ok()) return KeyError(index, key.status());
    if (!*key) continue;
    // Two keys under one kid would make the choice of key ambiguous.
    if (!(*key)->kid.empty() && !kids.insert((*key)->kid).second) {
      return KeyError(index, Status::InvalidArgument("repeats another key's \"kid\""));
    }
    keys.push_back(std::move(**key));
  }
  if (keys.empty()) {
    return Status::InvalidArgument(
        "the key set holds no usable key (RSA, EC P-256 or Ed25519 signing keys)");
  }
  return std::shared_ptr<const Jwks>(std::make_shared<JwkSet>(std::move(keys)));
}

}  // namespace bastion::auth
