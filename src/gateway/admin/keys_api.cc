#include "gateway/admin/keys_api.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "auth/keys/key_grant.h"
#include "auth/keys/key_json.h"
#include "common/json_writer.h"

namespace bastion::gateway {
namespace {

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ApiError FromStatus(const Status& st) {
  switch (st.code()) {
    case StatusCode::kNotFound:
      return ApiError::NotFound("key_not_found", st.message());
    case StatusCode::kPermissionDenied:
      return {403, "permission_error", "exceeds_creator_rights", st.message(), "", 0};
    case StatusCode::kInvalidArgument:
      return ApiError::BadRequest("invalid_key_spec", st.message());
    case StatusCode::kFailedPrecondition:
      return {409, "invalid_request_error", "key_revoked", st.message(), "", 0};
    default:
      return {500, "server_error", "key_store_error", st.message(), "", 0};
  }
}

// Ids are checked before the store sees them: a malformed id is simply not a key.
Status CheckId(const std::string& id) {
  if (auth::IsValidKeyId(id)) return Status::Ok();
  return Status::NotFound("no key with that id (GET /admin/keys lists them)");
}

// Rotating a key hands out its rights, and revoking one takes them away: both only for
// callers who could have granted those rights themselves (a model-limited admin cannot take
// over, or lock out, an unrestricted admin's key).
Status CheckMayManage(auth::KeyStore& store, const auth::Identity& caller, const std::string& id) {
  auto record = store.Get(id);
  if (!record.ok()) return record.status();
  return auth::CheckGrant(caller, record->spec);
}

}  // namespace

http::Awaitable<void> KeysApi::List(Exchange&, ResponseChannel& out) {
  auto records = keys_.List();
  if (!records.ok()) {
    co_await out.SendError(FromStatus(records.status()));
    co_return;
  }
  co_await out.SendJson(200, auth::KeyListJson(*records), false);
}

http::Awaitable<void> KeysApi::Create(Exchange& ex, ResponseChannel& out) {
  int64_t now = UnixNow();
  auto spec = auth::ParseKeySpecJson(ex.body(), now);
  Status st = spec.status();
  if (st.ok()) st = auth::ValidateKeySpec(*spec);
  if (st.ok()) st = auth::CheckGrant(*ex.identity, *spec);
  auth::ApiKey key;
  if (st.ok()) {
    st = keys_.Modify([&](auth::KeyStore& store) {
      auto created = store.Create(*spec, ex.identity->subject, now);
      if (created.ok()) key = std::move(*created);
      return created.status();
    });
  }
  if (!st.ok()) {
    co_await out.SendError(FromStatus(st));
    co_return;
  }
  spdlog::info("api key created id={} role={} by={}", key.id, auth::RoleName(spec->role),
               ex.identity->subject);
  co_await out.SendJson(201, auth::NewKeyJson(key), false);
}

http::Awaitable<void> KeysApi::Revoke(Exchange& ex, ResponseChannel& out) {
  Status st = CheckId(ex.route_param);
  if (st.ok()) {
    st = keys_.Modify([&](auth::KeyStore& s) {
      Status may = CheckMayManage(s, *ex.identity, ex.route_param);
      return may.ok() ? s.Revoke(ex.route_param, UnixNow()) : may;
    });
  }
  if (!st.ok()) {
    co_await out.SendError(FromStatus(st));
    co_return;
  }
  spdlog::info("api key revoked id={} by={}", ex.route_param, ex.identity->subject);
  JsonWriter w;
  w.BeginObject().Key("id").String(ex.route_param).Key("revoked").Bool(true).EndObject();
  co_await out.SendJson(200, w.Take(), false);
}

http::Awaitable<void> KeysApi::Rotate(Exchange& ex, ResponseChannel& out) {
  auth::ApiKey key;
  Status st = CheckId(ex.route_param);
  if (st.ok()) {
    st = keys_.Modify([&](auth::KeyStore& store) {
      if (Status may = CheckMayManage(store, *ex.identity, ex.route_param); !may.ok()) return may;
      auto rotated = store.Rotate(ex.route_param);
      if (rotated.ok()) key = std::move(*rotated);
      return rotated.status();
    });
  }
  if (!st.ok()) {
    co_await out.SendError(FromStatus(st));
    co_return;
  }
  spdlog::info("api key rotated id={} by={}", key.id, ex.identity->subject);
  co_await out.SendJson(200, auth::NewKeyJson(key), false);
}

}  // namespace bastion::gateway
