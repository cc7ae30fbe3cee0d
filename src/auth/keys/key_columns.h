#pragma once
// The api_keys table's columns, the same in every KeyStore implementation, and how a key's
// model list is stored in its one text column.

#include <string>
#include <vector>

namespace bastion::auth {

// In table order; SELECTs list them so rows read back by position.
inline constexpr const char* kKeyColumns =
    "id, name, role, models, requests_per_minute, tokens_per_minute, daily_tokens, concurrent, "
    "max_tokens, expires_at, secret_hash, created_at, revoked_at, created_by";

// "m1,m2"; model names never contain commas (ValidateKeySpec).
std::string JoinModels(const std::vector<std::string>& models);
std::vector<std::string> SplitModels(const std::string& joined);

}  // namespace bastion::auth
