#include "auth/keys/postgres_key_store.h"

#include <filesystem>

#include "auth/keys/key_columns.h"

namespace bastion::auth {
namespace {

constexpr const char* kKeysTable = R"sql(
CREATE TABLE IF NOT EXISTS api_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL,
  models text NOT NULL,
  requests_per_minute bigint NOT NULL,
  tokens_per_minute bigint NOT NULL,
  daily_tokens bigint NOT NULL,
  concurrent bigint NOT NULL,
  max_tokens bigint NOT NULL,
  expires_at bigint NOT NULL,
  secret_hash text NOT NULL,
  created_at bigint NOT NULL,
  revoked_at bigint NOT NULL,
  created_by text NOT NULL
))sql";

constexpr const char* kVersionTable =
    "CREATE TABLE IF NOT EXISTS api_keys_version (version bigint NOT NULL)";

// Any constant: serializes schema creation between replicas starting at once, since
// CREATE TABLE IF NOT EXISTS alone can still collide.
constexpr const char* kSchemaLockId = "7310485962";

KeyRecord ReadRecord(const PgRows& rows, int i) {
  KeyRecord r;
  r.id = rows.Text(i, 0);
  r.spec.name = rows.Text(i, 1);
  r.spec.role = ParseRole(rows.Text(i, 2)).value_or(Role::kUser);
  r.spec.models = SplitModels(rows.Text(i, 3));
  r.spec.limits = {rows.Int(i, 4), rows.Int(i, 5), rows.Int(i, 6), rows.Int(i, 7), rows.Int(i, 8)};
  r.spec.expires_at = rows.Int(i, 9);
  r.secret_hash = rows.Text(i, 10);
  r.created_at = rows.Int(i, 11);
  r.revoked_at = rows.Int(i, 12);
  r.created_by = rows.Text(i, 13);
  return r;
}

Status NotFound(const std::string& id) {
  return Status::NotFound("no key with id '" + id + "' (bastion keys list shows them)");
}

}  // namespace

PostgresKeyStore::PostgresKeyStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

Result<std::unique_ptr<KeyStore>> PostgresKeyStore::Open(const KeyStoreLocation& where) {
  auto db = PgConnection::Connect(where.postgres_url);
  if (!db.ok()) return db.status();
  std::unique_ptr<PostgresKeyStore> store(new PostgresKeyStore(std::move(*db)));
  if (Status st = store->CreateSchema(); !st.ok()) return st;
  std::string pepper = where.PepperPath();
  if (!std::filesystem::exists(pepper)) {
    auto any = store->db_->Exec("SELECT 1 FROM api_keys LIMIT 1");
    if (!any.ok()) return any.status();
    if (any->size() > 0) {
      return Status::FailedPrecondition(
          "the key store at " + store->db_->server() + " holds keys but " + pepper +
          " is missing: copy the pepper file from another replica (all must share one)");
    }
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(pepper).parent_path(), ec);
  }
  auto hasher = KeyHasher::ForPepperFile(pepper);
  if (!hasher.ok()) return hasher.status();
  store->hasher_ = std::move(*hasher);
  return std::unique_ptr<KeyStore>(std::move(store));
}

Status PostgresKeyStore::CreateSchema() {
  return db_->Transaction([&] {
    if (auto locked = db_->Exec("SELECT pg_advisory_xact_lock($1::bigint)", {kSchemaLockId});
        !locked.ok()) {
      return locked.status();
    }
    for (const char* sql : {kKeysTable, kVersionTable,
                            "INSERT INTO api_keys_version (version) SELECT 1 "
                            "WHERE NOT EXISTS (SELECT 1 FROM api_keys_version)"}) {
      if (auto done = db_->Exec(sql); !done.ok()) return done.status();
    }
    return Status::Ok();
  });
}

Status PostgresKeyStore::BumpVersion() {
  auto done = db_->Exec("UPDATE api_keys_version SET version = version + 1");
  return done.ok() ? Status::Ok() : done.status();
}

Result<ApiKey> PostgresKeyStore::Create(const KeySpec& spec, const std::string& created_by,
                                        int64_t now_unix) {
  ApiKey key = GenerateApiKey();
  const Limits& l = spec.limits;
  std::vector<std::string> params = {key.id,
                                     spec.name,
                                     std::string(RoleName(spec.role)),
                                     JoinModels(spec.models),
                                     std::to_string(l.requests_per_minute),
                                     std::to_string(l.tokens_per_minute),
                                     std::to_string(l.daily_tokens),
                                     std::to_string(l.concurrent),
                                     std::to_string(l.max_tokens),
                                     std::to_string(spec.expires_at),
                                     hasher_->Hash(key.secret),
                                     std::to_string(now_unix),
                                     created_by};
  Status st = db_->Transaction([&] {
    auto done = db_->Exec((std::string("INSERT INTO api_keys (") + kKeyColumns +
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13)")
                              .c_str(),
                          params);
    return done.ok() ? BumpVersion() : done.status();
  });
  if (!st.ok()) return st;
  return key;
}

Result<std::vector<KeyRecord>> PostgresKeyStore::List() {
  auto rows = db_->Exec(
      (std::string("SELECT ") + kKeyColumns + " FROM api_keys ORDER BY created_at, id").c_str());
  if (!rows.ok()) return rows.status();
  std::vector<KeyRecord> records;
  for (int i = 0; i < rows->size(); ++i) records.push_back(ReadRecord(*rows, i));
  return records;
}

Result<KeyRecord> PostgresKeyStore::Get(const std::string& id) {
  auto rows = db_->Exec(
      (std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE id = $1").c_str(), {id});
  if (!rows.ok()) return rows.status();
  if (rows->size() == 0) return NotFound(id);
  return ReadRecord(*rows, 0);
}

Status PostgresKeyStore::Revoke(const std::string& id, int64_t now_unix) {
  return db_->Transaction([&] {
    auto found = db_->Exec("SELECT 1 FROM api_keys WHERE id = $1 FOR UPDATE", {id});
    if (!found.ok()) return found.status();
    if (found->size() == 0) return NotFound(id);
    auto done = db_->Exec("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0",
                          {id, std::to_string(now_unix)});
    if (!done.ok()) return done.status();
    return done->affected() > 0 ? BumpVersion() : Status::Ok();
  });
}

Result<ApiKey> PostgresKeyStore::Rotate(const std::string& id) {
  ApiKey key{id, GenerateKeySecret()};
  Status st = db_->Transaction([&] {
    auto found = db_->Exec("SELECT revoked_at FROM api_keys WHERE id = $1 FOR UPDATE", {id});
    if (!found.ok()) return found.status();
    if (found->size() == 0) return NotFound(id);
    if (found->Int(0, 0) != 0) {
      return Status::FailedPrecondition("key '" + id + "' is revoked; create a new one");
    }
    auto done = db_->Exec("UPDATE api_keys SET secret_hash = $2 WHERE id = $1",
                          {id, hasher_->Hash(key.secret)});
    return done.ok() ? BumpVersion() : done.status();
  });
  if (!st.ok()) return st;
  return key;
}

Result<int64_t> PostgresKeyStore::DataVersion() {
  auto rows = db_->Exec("SELECT version FROM api_keys_version");
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1) {
    return Status::Internal("key store: api_keys_version must hold exactly one row");
  }
  return rows->Int(0, 0);
}

}  // namespace bastion::auth
