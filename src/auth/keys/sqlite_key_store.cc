#include "auth/keys/sqlite_key_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>

#include "auth/keys/key_columns.h"
#include "auth/keys/sqlite_statement.h"

namespace bastion::auth {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  models TEXT NOT NULL,
  requests_per_minute INTEGER NOT NULL,
  tokens_per_minute INTEGER NOT NULL,
  daily_tokens INTEGER NOT NULL,
  concurrent INTEGER NOT NULL,
  max_tokens INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
) WITHOUT ROWID;
)sql";

KeyRecord ReadRecord(const SqliteStatement& s) {
  KeyRecord r;
  r.id = s.Text(0);
  r.spec.name = s.Text(1);
  r.spec.role = ParseRole(s.Text(2)).value_or(Role::kUser);
  r.spec.models = SplitModels(s.Text(3));
  r.spec.limits = {s.Int(4), s.Int(5), s.Int(6), s.Int(7), s.Int(8)};
  r.spec.expires_at = s.Int(9);
  r.secret_hash = s.Text(10);
  r.created_at = s.Int(11);
  r.revoked_at = s.Int(12);
  r.created_by = s.Text(13);
  return r;
}

}  // namespace

SqliteKeyStore::SqliteKeyStore(sqlite3* db, std::unique_ptr<KeyHasher> hasher)
    : db_(db), hasher_(std::move(hasher)) {}

SqliteKeyStore::~SqliteKeyStore() { sqlite3_close_v2(db_); }

Result<std::unique_ptr<KeyStore>> SqliteKeyStore::Open(const KeyStoreLocation& where) {
  const std::string& data_dir = where.data_dir;
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return Status::IoError("cannot create data directory '" + data_dir + "': " + ec.message());
  }
  ::chmod(data_dir.c_str(), 0700);
  auto hasher = KeyHasher::ForPepperFile(where.PepperPath());
  if (!hasher.ok()) return hasher.status();
  std::string path = (std::filesystem::path(data_dir) / "keys.db").string();
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteKeyStore> store(new SqliteKeyStore(db, std::move(*hasher)));
  if (rc != SQLITE_OK) {
    return Status::IoError("cannot open key store " + path + ": " + sqlite3_errmsg(db));
  }
  ::chmod(path.c_str(), 0600);
  sqlite3_busy_timeout(db, 5000);
  if (Status st = store->Exec("PRAGMA journal_mode=WAL"); !st.ok()) return st;
  if (Status st = store->Exec(kSchema); !st.ok()) return st;
  return std::unique_ptr<KeyStore>(std::move(store));
}

Status SqliteKeyStore::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = std::string("key store: ") + (error ? error : "unknown error");
    sqlite3_free(error);
    return Status::IoError(message);
  }
  return Status::Ok();
}

Result<ApiKey> SqliteKeyStore::Create(const KeySpec& spec, const std::string& created_by,
                                      int64_t now_unix) {
  ApiKey key = GenerateApiKey();
  SqliteStatement s(db_,
                    "INSERT INTO api_keys VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                    "?12, 0, ?13)");
  const Limits& l = spec.limits;
  s.Bind(1, key.id)
      .Bind(2, spec.name)
      .Bind(3, RoleName(spec.role))
      .Bind(4, JoinModels(spec.models));
  s.Bind(5, l.requests_per_minute).Bind(6, l.tokens_per_minute).Bind(7, l.daily_tokens);
  s.Bind(8, l.concurrent).Bind(9, l.max_tokens).Bind(10, spec.expires_at);
  s.Bind(11, hasher_->Hash(key.secret)).Bind(12, now_unix).Bind(13, created_by);
  if (Status st = s.Run(); !st.ok()) return st;
  return key;
}

Result<std::vector<KeyRecord>> SqliteKeyStore::List() {
  SqliteStatement s(
      db_,
      (std::string("SELECT ") + kKeyColumns + " FROM api_keys ORDER BY created_at, id").c_str());
  std::vector<KeyRecord> records;
  while (s.Step()) records.push_back(ReadRecord(s));
  if (!s.status().ok()) return s.status();
  return records;
}

Result<KeyRecord> SqliteKeyStore::Get(const std::string& id) {
  SqliteStatement s(
      db_, (std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE id = ?1").c_str());
  s.Bind(1, id);
  if (s.Step()) return ReadRecord(s);
  if (!s.status().ok()) return s.status();
  return Status::NotFound("no key with id '" + id + "' (bastion keys list shows them)");
}

Status SqliteKeyStore::Revoke(const std::string& id, int64_t now_unix) {
  if (auto record = Get(id); !record.ok()) return record.status();
  SqliteStatement s(db_, "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at = 0");
  s.Bind(1, id).Bind(2, now_unix);
  return s.Run();
}

Result<ApiKey> SqliteKeyStore::Rotate(const std::string& id) {
  auto record = Get(id);
  if (!record.ok()) return record.status();
  if (record->revoked()) {
    return Status::FailedPrecondition("key '" + id + "' is revoked; create a new one");
  }
  ApiKey key{id, GenerateKeySecret()};
  SqliteStatement s(db_, "UPDATE api_keys SET secret_hash = ?2 WHERE id = ?1 AND revoked_at = 0");
  s.Bind(1, id).Bind(2, hasher_->Hash(key.secret));
  if (Status st = s.Run(); !st.ok()) return st;
  return key;
}

Result<int64_t> SqliteKeyStore::DataVersion() {
  SqliteStatement s(db_, "PRAGMA data_version");
  if (s.Step()) return s.Int(0);
  if (!s.status().ok()) return s.status();
  return Status::Internal("key store: PRAGMA data_version returned nothing");
}

}  // namespace bastion::auth
