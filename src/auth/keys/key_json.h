#pragma once
// API keys as JSON, one shape for `bastion keys list --json` and GET /admin/keys:
// {"id","name","role","models","revoked","expires", "limits":{...},"created","created_by"}
// ("expires": Unix seconds or null). And the body of POST /admin/keys.

#include <string>
#include <string_view>
#include <vector>

#include "auth/keys/api_key.h"
#include "auth/keys/key_record.h"
#include "common/json_writer.h"
#include "common/status.h"

namespace bastion::auth {

void WriteKeyJson(JsonWriter& w, const KeyRecord& record);
std::string KeyListJson(const std::vector<KeyRecord>& records);
// {"id","key"}: the answer to a create or a rotation, the only time the key is shown.
std::string NewKeyJson(const ApiKey& key);

// {"name","role","models":[..],"rpm","tpm","daily_tokens","concurrent","max_tokens",
//  "expires":"30d"}; unknown members are errors, so a typo cannot silently drop a limit.
Result<KeySpec> ParseKeySpecJson(std::string_view json, int64_t now_unix);

// "30d", "12h", "90m" from now; for --expires and "expires".
Result<int64_t> ExpiryFrom(std::string_view duration, int64_t now_unix);

}  // namespace bastion::auth
