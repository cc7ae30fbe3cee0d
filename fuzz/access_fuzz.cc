// What access control reads from callers: the presented credential (an API key's strict
// shape), the admin API's key spec JSON, and the usage a response reports.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/keys/api_key.h"
#include "auth/keys/key_grant.h"
#include "auth/keys/key_json.h"
#include "gateway/filters/auth/usage_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  volatile size_t sink = 0;
  if (auto key = auth::ParseApiKey(text)) {
    sink = sink + key->id.size() + auth::IsValidKeyId(key->id);
  }
  auto spec = auth::ParseKeySpecJson(text, 1'700'000'000);
  if (spec.ok()) {
    auth::Identity admin;
    admin.role = auth::Role::kAdmin;
    admin.models = {"m"};
    admin.limits.requests_per_minute = 5;
    sink = sink + auth::ValidateKeySpec(*spec).ok() + auth::CheckGrant(admin, *spec).ok();
  }
  gateway::ScannedUsage usage = gateway::ScanUsage(text);
  // Capped counts: their sum (what settlement computes) must not overflow.
  sink = sink + static_cast<size_t>(usage.prompt_tokens + usage.completion_tokens);
  return 0;
}
