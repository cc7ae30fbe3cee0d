#include "auth/jwt/jose_header.h"

#include <simdjson.h>
#include <strings.h>

#include "auth/jwt/jwt_json.h"

namespace bastion::auth {
namespace {

constexpr size_t kMaxKidBytes = 256;

Status Refused(std::string_view why) {
  return Status::Unauthenticated("token header: " + std::string(why));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Names the refused algorithm only when it is short and printable, so the message can say
// "algorithm not allowed: none" without echoing arbitrary header bytes.
std::string DescribeAlg(std::string_view alg) {
  if (alg.size() > 16) return "(long value)";
  for (char c : alg) {
    if (c < 0x21 || c > 0x7e) return "(unprintable value)";
  }
  return std::string(alg);
}

}  // namespace

Result<JoseHeader> ParseJoseHeader(std::string_view json) {
  simdjson::dom::parser parser;
  auto object = jwt_json::ParseObject(parser, json, "the header");
  if (!object.ok()) return Refused(object.status().message());
  if (jwt_json::Find(*object, "crit")) {
    return Refused("critical extensions (\"crit\") are not supported");
  }
  auto alg = jwt_json::OptionalString(*object, "alg");
  auto kid = jwt_json::OptionalString(*object, "kid");
  auto typ = jwt_json::OptionalString(*object, "typ");
  for (const Status* s : {&alg.status(), &kid.status(), &typ.status()}) {
    if (!s->ok()) return Refused(s->message());
  }
  if (!*alg) return Refused("no \"alg\"");
  JoseHeader header;
  auto parsed = ParseJwsAlg(**alg);
  if (!parsed) return Refused("algorithm not allowed: " + DescribeAlg(**alg));
  header.alg = *parsed;
  if (*typ && !EqualsIgnoreCase(**typ, "JWT") && !EqualsIgnoreCase(**typ, "at+jwt")) {
    return Refused("type is not JWT");
  }
  header.kid = kid->value_or("");
  if (header.kid.size() > kMaxKidBytes) return Refused("\"kid\" is too long");
  return header;
}

}  // namespace bastion::auth
