#include "auth/jwt/jwt_claims.h"

#include <simdjson.h>

#include <algorithm>

#include "auth/jwt/jwt_json.h"

namespace bastion::auth {
namespace {

constexpr size_t kMaxSubjectBytes = 256;
constexpr size_t kMaxRoleValues = 64;

Status Refused(std::string_view why) { return Status::Unauthenticated(std::string(why)); }

Status CheckTimes(simdjson::dom::object claims, const JwtPolicy& policy, int64_t now,
                  int64_t& expires_at) {
  auto exp = jwt_json::OptionalNumericDate(claims, "exp");
  auto nbf = jwt_json::OptionalNumericDate(claims, "nbf");
  auto iat = jwt_json::OptionalNumericDate(claims, "iat");
  for (const Status* s : {&exp.status(), &nbf.status(), &iat.status()}) {
    if (!s->ok()) return Refused("token claims: " + s->message());
  }
  if (!*exp) return Refused("token has no expiry (\"exp\")");
  const int64_t skew = policy.clock_skew.count();
  if (now - skew >= **exp) return Refused("token expired");
  if (*nbf && now + skew < **nbf) return Refused("token not yet valid (\"nbf\")");
  if (*iat && now + skew < **iat) return Refused("token issued in the future (\"iat\")");
  expires_at = **exp;
  return Status::Ok();
}

Status CheckIssuer(simdjson::dom::object claims, const JwtPolicy& policy) {
  if (policy.issuer.empty()) return Status::Ok();
  auto iss = jwt_json::OptionalString(claims, "iss");
  if (!iss.ok() || !*iss || **iss != policy.issuer) return Refused("issuer not accepted");
  return Status::Ok();
}

bool Accepted(const JwtPolicy& policy, std::string_view audience) {
  return std::find(policy.audiences.begin(), policy.audiences.end(), audience) !=
         policy.audiences.end();
}

// `aud` is one string or an array of them (RFC 7519 §4.1.3); one accepted value suffices.
Status CheckAudience(simdjson::dom::object claims, const JwtPolicy& policy) {
  if (policy.audiences.empty()) return Status::Ok();
  auto aud = jwt_json::Find(claims, "aud");
  std::string_view single;
  simdjson::dom::array many;
  if (aud && aud->get_string().get(single) == simdjson::SUCCESS && Accepted(policy, single)) {
    return Status::Ok();
  }
  if (aud && aud->get_array().get(many) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : many) {
      if (item.get_string().get(single) == simdjson::SUCCESS && Accepted(policy, single)) {
        return Status::Ok();
      }
    }
  }
  return Refused("audience not accepted");
}

Result<std::string> Subject(simdjson::dom::object claims) {
  auto sub = jwt_json::OptionalString(claims, "sub");
  if (!sub.ok() || !*sub || (*sub)->empty()) return Refused("token has no subject (\"sub\")");
  if ((*sub)->size() > kMaxSubjectBytes) return Refused("token subject is too long");
  return std::move(**sub);
}

std::vector<std::string> RoleValues(simdjson::dom::object claims, const JwtPolicy& policy) {
  std::vector<std::string> roles;
  auto claim = jwt_json::Find(claims, policy.role_claim);
  std::string_view single;
  simdjson::dom::array many;
  if (!claim) return roles;
  if (claim->get_string().get(single) == simdjson::SUCCESS) {
    roles.emplace_back(single);
  } else if (claim->get_array().get(many) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : many) {
      if (roles.size() == kMaxRoleValues) break;
      if (item.get_string().get(single) == simdjson::SUCCESS) roles.emplace_back(single);
    }
  }
  return roles;
}

}  // namespace

Result<VerifiedJwt> CheckJwtClaims(std::string_view json, const JwtPolicy& policy,
                                   int64_t now_unix) {
  simdjson::dom::parser parser;
  auto claims = jwt_json::ParseObject(parser, json, "the token payload");
  if (!claims.ok()) return Refused(claims.status().message());
  VerifiedJwt out;
  if (Status s = CheckTimes(*claims, policy, now_unix, out.expires_at); !s.ok()) return s;
  if (Status s = CheckIssuer(*claims, policy); !s.ok()) return s;
  if (Status s = CheckAudience(*claims, policy); !s.ok()) return s;
  auto subject = Subject(*claims);
  if (!subject.ok()) return subject.status();
  out.subject = std::move(*subject);
  out.role_values = RoleValues(*claims, policy);
  return out;
}

}  // namespace bastion::auth
