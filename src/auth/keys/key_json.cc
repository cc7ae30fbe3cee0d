#include "auth/keys/key_json.h"

#include <simdjson.h>

#include "common/duration.h"

namespace bastion::auth {

void WriteKeyJson(JsonWriter& w, const KeyRecord& r) {
  w.BeginObject().Key("id").String(r.id).Key("name").String(r.spec.name);
  w.Key("role").String(RoleName(r.spec.role)).Key("models").BeginArray();
  for (const auto& m : r.spec.models) w.String(m);
  w.EndArray().Key("revoked").Bool(r.revoked()).Key("expires");
  if (r.spec.expires_at == 0)
    w.Null();
  else
    w.Int(r.spec.expires_at);
  const Limits& l = r.spec.limits;
  w.Key("limits").BeginObject().Key("rpm").Int(l.requests_per_minute);
  w.Key("tpm").Int(l.tokens_per_minute).Key("daily_tokens").Int(l.daily_tokens);
  w.Key("concurrent").Int(l.concurrent).Key("max_tokens").Int(l.max_tokens).EndObject();
  w.Key("created").Int(r.created_at).Key("created_by").String(r.created_by).EndObject();
}

std::string KeyListJson(const std::vector<KeyRecord>& records) {
  JsonWriter w;
  w.BeginArray();
  for (const auto& r : records) WriteKeyJson(w, r);
  w.EndArray();
  return w.Take();
}

std::string NewKeyJson(const ApiKey& key) {
  JsonWriter w;
  w.BeginObject().Key("id").String(key.id).Key("key").String(key.Text()).EndObject();
  return w.Take();
}

Result<int64_t> ExpiryFrom(std::string_view duration, int64_t now_unix) {
  auto d = ParseDuration(duration);
  if (!d.ok() || d->count() < 1000) {
    return Status::InvalidArgument("bad expiry '" + std::string(duration) +
                                   "': expected a duration like 30d, 12h or 90m");
  }
  return now_unix + d->count() / 1000;
}

namespace {

Status ReadLimit(simdjson::dom::element v, std::string_view name, int64_t& out) {
  int64_t n = 0;
  if (v.get_int64().get(n) != simdjson::SUCCESS || n < 0) {
    return Status::InvalidArgument("'" + std::string(name) + "' must be an integer >= 0");
  }
  out = n;
  return Status::Ok();
}

Status ReadMember(std::string_view key, simdjson::dom::element v, int64_t now, KeySpec& spec) {
  std::string_view text;
  Limits& l = spec.limits;
  if (key == "name" || key == "role" || key == "expires") {
    if (v.get_string().get(text) != simdjson::SUCCESS) {
      return Status::InvalidArgument("'" + std::string(key) + "' must be a string");
    }
    if (key == "name") spec.name = std::string(text);
    if (key == "role") {
      auto role = ParseRole(text);
      if (!role) return Status::InvalidArgument("'role' must be admin, operator, user or auditor");
      spec.role = *role;
    }
    if (key == "expires") {
      auto at = ExpiryFrom(text, now);
      if (!at.ok()) return at.status();
      spec.expires_at = *at;
    }
    return Status::Ok();
  }
  if (key == "models") {
    simdjson::dom::array models;
    if (v.get_array().get(models) != simdjson::SUCCESS) {
      return Status::InvalidArgument("'models' must be an array of model names");
    }
    for (auto m : models) {
      if (m.get_string().get(text) != simdjson::SUCCESS) {
        return Status::InvalidArgument("'models' must be an array of model names");
      }
      spec.models.emplace_back(text);
    }
    return Status::Ok();
  }
  if (key == "rpm") return ReadLimit(v, key, l.requests_per_minute);
  if (key == "tpm") return ReadLimit(v, key, l.tokens_per_minute);
  if (key == "daily_tokens") return ReadLimit(v, key, l.daily_tokens);
  if (key == "concurrent") return ReadLimit(v, key, l.concurrent);
  if (key == "max_tokens") return ReadLimit(v, key, l.max_tokens);
  return Status::InvalidArgument("unknown member '" + std::string(key) +
                                 "' (expected name, role, models, rpm, tpm, daily_tokens, "
                                 "concurrent, max_tokens, expires)");
}

}  // namespace

Result<KeySpec> ParseKeySpecJson(std::string_view json, int64_t now_unix) {
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(json.data(), json.size()).get_object().get(root) != simdjson::SUCCESS) {
    return Status::InvalidArgument(
        "the body must be a JSON object like "
        "{\"name\":\"ci\",\"role\":\"user\"}");
  }
  KeySpec spec;
  bool has_role = false;
  for (auto [key, value] : root) {
    if (Status st = ReadMember(key, value, now_unix, spec); !st.ok()) return st;
    has_role = has_role || key == "role";
  }
  if (!has_role)
    return Status::InvalidArgument("'role' is required (admin, operator, user, auditor)");
  return spec;
}

}  // namespace bastion::auth
