#pragma once
// The admin HTTP API for API keys, mirroring `bastion keys`:
//   GET    /admin/keys               list (the `keys list --json` shape)
//   POST   /admin/keys               create: {"name","role",...} -> 201 {"id","key"}
//   DELETE /admin/keys/{id}          revoke -> {"id","revoked":true}
//   POST   /admin/keys/{id}/rotate   new secret -> {"id","key"}
// Admin only (the router's permission); a created key never exceeds its creator's rights.

#include "auth/keys/key_directory.h"
#include "gateway/exchange.h"
#include "gateway/response_channel.h"

namespace bastion::gateway {

class KeysApi {
 public:
  explicit KeysApi(auth::KeyDirectory& keys) : keys_(keys) {}

  http::Awaitable<void> List(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> Create(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> Revoke(Exchange& ex, ResponseChannel& out);
  http::Awaitable<void> Rotate(Exchange& ex, ResponseChannel& out);

 private:
  auth::KeyDirectory& keys_;
};

}  // namespace bastion::gateway
