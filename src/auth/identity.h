#pragma once
// Who is calling: what authentication established about a request's caller.

#include <cstdint>
#include <string>
#include <vector>

#include "auth/role.h"

namespace bastion::auth {

// Per-identity limits; 0 means no limit of that kind.
struct Limits {
  int64_t requests_per_minute = 0;
  int64_t tokens_per_minute = 0;  // prompt + completion
  int64_t daily_tokens = 0;       // per UTC day
  int64_t concurrent = 0;         // requests in flight at once
  int64_t max_tokens = 0;         // cap on one request's completion tokens
};

struct Identity {
  enum class Source { kKey, kJwt, kInsecureNoAuth };
  Source source = Source::kKey;
  std::string subject;  // "key:<id>", "jwt:<sub>": the name limits and audit use
  std::string name;     // the key's name, or the JWT's subject
  Role role = Role::kUser;
  std::vector<std::string> models;  // empty: every model the role may use
  Limits limits;
  int64_t expires_at = 0;  // Unix seconds; 0: never

  bool MayUseModel(std::string_view model) const;
};

}  // namespace bastion::auth
