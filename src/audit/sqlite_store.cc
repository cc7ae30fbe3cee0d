#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>

#include "audit/chain.h"
#include "audit/event.h"
#include "audit/purge_event.h"
#include "audit/store.h"
#include "auth/keys/sqlite_statement.h"

namespace bastion::audit {
namespace {

using auth::SqliteStatement;

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS audit_events (
  seq INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  request_id TEXT NOT NULL,
  event TEXT NOT NULL,
  content TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_events_time ON audit_events(time_ms);
CREATE INDEX IF NOT EXISTS audit_events_request ON audit_events(request_id);
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  signer TEXT NOT NULL,
  signature TEXT NOT NULL
);
)sql";

constexpr const char* kRecordColumns =
    "SELECT seq, time_ms, kind, request_id, event, content, prev_hash, hash FROM audit_events";

Record ReadRecord(const SqliteStatement& s) {
  Record r;
  r.seq = s.Int(0);
  r.time_ms = s.Int(1);
  r.kind = s.Text(2);
  r.request_id = s.Text(3);
  r.event = s.Text(4);
  r.content = s.Text(5);
  r.prev_hash = s.Text(6);
  r.hash = s.Text(7);
  return r;
}

class SqliteStore : public Store {
 public:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteStore() override {
    head_.reset();
    insert_.reset();
    sqlite3_close_v2(db_);
  }

  Status Configure(bool read_only);

  Result<std::vector<Record>> Append(std::vector<PendingRecord> batch,
                                     const Signer* checkpoint_signer) override;
  Status Scan(const Query& q, const std::function<bool(const Record&)>& each) override;
  Status ScanCheckpoints(const std::function<bool(const Checkpoint&)>& each) override;
  Result<std::pair<int64_t, std::string>> Head() override;
  Result<PurgeReport> Purge(const PurgePlan& plan, const Signer& signer, bool dry_run) override;
  std::string Describe() const override { return "sqlite:" + path_; }

 private:
  Status Exec(const char* sql);
  Status Fail(const Status& st) const;
  // Inside a transaction: chains `batch` after the head, inserts it and the checkpoint.
  Result<std::vector<Record>> Insert(std::vector<PendingRecord> batch, const Signer* signer,
                                     int64_t checkpoint_ms);
  Status InsertCheckpoint(const Checkpoint& c);
  Result<PurgeReport> Count(const PurgePlan& plan);
  Status Remove(const PurgeReport& report, const PurgePlan& plan);
  Result<int64_t> CountWhere(const char* sql, int64_t a, int64_t b);
  // Rewrites the files so that erased rows survive in neither the database nor its WAL.
  Status Scrub();

  // A statement prepared once and reused by every append (the writer's hot path).
  SqliteStatement& Prepared(std::unique_ptr<SqliteStatement>& slot, const char* sql) {
    if (!slot) slot = std::make_unique<SqliteStatement>(db_, sql);
    return slot->Reset();
  }

  sqlite3* db_;
  std::string path_;
  std::unique_ptr<SqliteStatement> head_, insert_;  // before db_ is closed: see ~SqliteStore
};

// Rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction() {
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // IMMEDIATE takes the write lock at once, so the head read inside stays the head.
  Status Begin(const char* sql = "BEGIN IMMEDIATE") { return Run(sql, true); }
  Status Commit() { return Run("COMMIT", false); }

 private:
  Status Run(const char* sql, bool open_after) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Status::Unavailable(std::string(sql) + ": " + sqlite3_errmsg(db_));
    }
    open_ = open_after;
    return Status::Ok();
  }
  sqlite3* db_;
  bool open_ = false;
};

Status SqliteStore::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    return Fail(Status::IoError(message));
  }
  return Status::Ok();
}

Status SqliteStore::Fail(const Status& st) const {
  if (st.ok()) return st;
  std::string message = "audit trail " + path_ + ": " + st.message();
  if (st.code() == StatusCode::kUnavailable) return Status::Unavailable(message);
  return Status::IoError(message);
}

Status SqliteStore::Configure(bool read_only) {
  sqlite3_busy_timeout(db_, 10000);
  if (Status st = Exec("PRAGMA secure_delete=ON"); !st.ok()) return st;
  int64_t found = 0;
  {
    SqliteStatement version(db_, "PRAGMA user_version");  // finalized before the PRAGMAs below
    found = version.Step() ? version.Int(0) : 0;
    if (!version.status().ok()) return Fail(version.status());
  }
  if (found > kSchemaVersion) {
    return Status::FailedPrecondition("audit trail " + path_ + " has schema version " +
                                      std::to_string(found) + "; upgrade bastion to read it");
  }
  if (read_only) {
    if (found != kSchemaVersion) {
      return Status::FailedPrecondition("audit trail " + path_ + " is not a bastion audit trail");
    }
    return Status::Ok();
  }
  if (Status st = Exec("PRAGMA journal_mode=WAL"); !st.ok()) return st;
  if (Status st = Exec("PRAGMA synchronous=FULL"); !st.ok()) return st;
  if (found == kSchemaVersion) return Status::Ok();
  Transaction tx(db_);
  if (Status st = tx.Begin(); !st.ok()) return Fail(st);
  if (Status st = Exec(kSchema); !st.ok()) return st;
  if (Status st = Exec("PRAGMA user_version=1"); !st.ok()) return st;
  return Fail(tx.Commit());
}

Result<std::pair<int64_t, std::string>> SqliteStore::Head() {
  SqliteStatement& s =
      Prepared(head_, "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
  if (s.Step()) {
    auto head = std::make_pair(s.Int(0), s.Text(1));
    s.Reset();  // ends the read, so the statement holds no lock between appends
    return head;
  }
  if (!s.status().ok()) return Fail(s.status());
  return std::make_pair(int64_t{0}, kGenesisHash);
}

Status SqliteStore::InsertCheckpoint(const Checkpoint& c) {
  SqliteStatement s(db_, "INSERT OR REPLACE INTO audit_checkpoints VALUES (?1, ?2, ?3, ?4, ?5)");
  s.Bind(1, c.seq).Bind(2, c.hash).Bind(3, c.time_ms).Bind(4, c.signer).Bind(5, c.signature);
  return s.Run();
}

Result<std::vector<Record>> SqliteStore::Insert(std::vector<PendingRecord> batch,
                                                const Signer* signer, int64_t checkpoint_ms) {
  auto head = Head();
  if (!head.ok()) return head.status();
  auto [seq, hash] = std::move(*head);
  std::vector<Record> records = ChainAfter(seq, hash, std::move(batch));
  SqliteStatement& insert = Prepared(
      insert_, "INSERT INTO audit_events VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, ''), ?7, ?8)");
  for (const Record& r : records) {
    insert.Reset().Bind(1, r.seq).Bind(2, r.time_ms).Bind(3, r.kind).Bind(4, r.request_id);
    insert.Bind(5, r.event).Bind(6, r.content).Bind(7, r.prev_hash).Bind(8, r.hash);
    if (Status st = insert.Run(); !st.ok()) return Fail(st);
  }
  if (signer && seq > 0) {
    if (Status st = InsertCheckpoint(signer->Sign(seq, hash, checkpoint_ms)); !st.ok()) {
      return Fail(st);
    }
  }
  return records;
}

Result<std::vector<Record>> SqliteStore::Append(std::vector<PendingRecord> batch,
                                                const Signer* checkpoint_signer) {
  Transaction tx(db_);
  if (Status st = tx.Begin(); !st.ok()) return Fail(st);
  auto records = Insert(std::move(batch), checkpoint_signer, UnixMillisNow());
  if (!records.ok()) return records.status();
  if (Status st = tx.Commit(); !st.ok()) return Fail(st);
  return records;
}

Status SqliteStore::Scan(const Query& q, const std::function<bool(const Record&)>& each) {
  std::string sql = std::string(kRecordColumns) + " WHERE seq >= ?1";
  if (q.since_ms) sql += " AND time_ms >= ?2";
  if (q.until_ms) sql += " AND time_ms < ?3";
  if (!q.kind.empty()) sql += " AND kind = ?4";
  if (!q.request_id.empty()) sql += " AND request_id = ?5";
  sql += q.newest_first ? " ORDER BY seq DESC" : " ORDER BY seq";
  if (q.limit > 0) sql += " LIMIT ?6";
  SqliteStatement s(db_, sql.c_str());
  s.Bind(1, q.from_seq);
  if (q.since_ms) s.Bind(2, *q.since_ms);
  if (q.until_ms) s.Bind(3, *q.until_ms);
  if (!q.kind.empty()) s.Bind(4, q.kind);
  if (!q.request_id.empty()) s.Bind(5, q.request_id);
  if (q.limit > 0) s.Bind(6, q.limit);
  while (s.Step()) {
    if (!each(ReadRecord(s))) return Status::Ok();
  }
  return Fail(s.status());
}

Status SqliteStore::ScanCheckpoints(const std::function<bool(const Checkpoint&)>& each) {
  SqliteStatement s(db_,
                    "SELECT seq, hash, time_ms, signer, signature FROM audit_checkpoints "
                    "ORDER BY seq");
  while (s.Step()) {
    if (!each(Checkpoint{s.Int(0), s.Text(1), s.Int(2), s.Text(3), s.Text(4)})) {
      return Status::Ok();
    }
  }
  return Fail(s.status());
}

Result<int64_t> SqliteStore::CountWhere(const char* sql, int64_t a, int64_t b) {
  SqliteStatement s(db_, sql);
  s.Bind(1, a).Bind(2, b);
  int64_t n = s.Step() ? s.Int(0) : 0;
  if (!s.status().ok()) return Fail(s.status());
  return n;
}

// The prefix of the chain older than the cutoff: every record up to the first newer one (clocks
// of several writers may disagree a little, so a record is kept once one before it is).
Result<PurgeReport> SqliteStore::Count(const PurgePlan& plan) {
  PurgeReport report;
  SqliteStatement first_kept(
      db_, "SELECT seq FROM audit_events WHERE time_ms >= ?1 ORDER BY seq LIMIT 1");
  first_kept.Bind(1, plan.metadata_before_ms);
  int64_t keep_from = first_kept.Step() ? first_kept.Int(0) : INT64_MAX;
  if (!first_kept.status().ok()) return Fail(first_kept.status());
  SqliteStatement last(
      db_, "SELECT seq, hash FROM audit_events WHERE seq < ?1 ORDER BY seq DESC LIMIT 1");
  last.Bind(1, keep_from);
  if (last.Step()) {
    report.purged_through_seq = last.Int(0);
    report.purged_through_hash = last.Text(1);
  }
  if (!last.status().ok()) return Fail(last.status());
  auto deleted =
      CountWhere("SELECT COUNT(*) FROM audit_events WHERE seq <= ?1", report.purged_through_seq, 0);
  if (!deleted.ok()) return deleted.status();
  report.events_deleted = *deleted;
  auto erased = CountWhere(
      "SELECT COUNT(*) FROM audit_events WHERE seq > ?1 AND time_ms < ?2 AND content IS NOT NULL",
      report.purged_through_seq, plan.content_before_ms);
  if (!erased.ok()) return erased.status();
  report.contents_erased = *erased;
  return report;
}

Status SqliteStore::Remove(const PurgeReport& report, const PurgePlan& plan) {
  SqliteStatement events(db_, "DELETE FROM audit_events WHERE seq <= ?1");
  if (Status st = events.Bind(1, report.purged_through_seq).Run(); !st.ok()) return Fail(st);
  SqliteStatement checkpoints(db_, "DELETE FROM audit_checkpoints WHERE seq <= ?1");
  if (Status st = checkpoints.Bind(1, report.purged_through_seq).Run(); !st.ok()) return Fail(st);
  SqliteStatement content(db_,
                          "UPDATE audit_events SET content = NULL "
                          "WHERE seq > ?1 AND time_ms < ?2 AND content IS NOT NULL");
  content.Bind(1, report.purged_through_seq).Bind(2, plan.content_before_ms);
  return Fail(content.Run());
}

Result<PurgeReport> SqliteStore::Purge(const PurgePlan& plan, const Signer& signer, bool dry_run) {
  Transaction tx(db_);
  if (Status st = tx.Begin(dry_run ? "BEGIN" : "BEGIN IMMEDIATE"); !st.ok()) return Fail(st);
  auto report = Count(plan);
  if (!report.ok() || dry_run) return report;
  if (report->events_deleted == 0 && report->contents_erased == 0) return report;
  // The purge event goes in first: it chains after the current head, which may be deleted.
  auto purge = Insert({PurgeRecord(plan, *report)}, &signer, plan.now_ms);
  if (!purge.ok()) return purge.status();
  report->purge_seq = purge->front().seq;
  if (Status st = Remove(*report, plan); !st.ok()) return st;
  if (Status st = tx.Commit(); !st.ok()) return Fail(st);
  if (Status st = Scrub(); !st.ok()) return st;
  return report;
}

// secure_delete has zeroed what the purge freed in the database file; older copies of those
// pages may still sit in the WAL until it is checkpointed and truncated. (No VACUUM: it would
// rewrite the whole file on every scheduled purge, holding up the writer, for nothing more.)
Status SqliteStore::Scrub() {
  SqliteStatement s(db_, "PRAGMA wal_checkpoint(TRUNCATE)");
  // The answer is (busy, wal frames, frames checkpointed); busy means a reader held the WAL.
  bool busy = s.Step() && s.Int(0) != 0;
  if (!s.status().ok()) return Fail(s.status());
  if (busy) {
    return Status::Unavailable("audit trail " + path_ +
                               ": purged, but a reader kept the WAL busy, so erased bytes may "
                               "remain in it until the next purge");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, bool read_only) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (read_only && !fs::exists(path, ec)) return Status::NotFound("no audit trail at " + path);
  if (!read_only) {
    fs::path dir = fs::path(path).parent_path();
    if (!dir.empty() && !fs::exists(dir, ec)) {
      fs::create_directories(dir, ec);
      if (ec) return Status::IoError("cannot create " + dir.string() + ": " + ec.message());
      ::chmod(dir.c_str(), 0700);
    }
    // Made 0600 before SQLite writes to it; its -wal and -shm files take the same mode.
    if (int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
    ::chmod(path.c_str(), 0600);
  }
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
              SQLITE_OPEN_NOMUTEX;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  auto store = std::make_unique<SqliteStore>(db, path);
  if (rc != SQLITE_OK) {
    return Status::IoError("cannot open audit trail " + path + ": " + sqlite3_errmsg(db));
  }
  if (Status st = store->Configure(read_only); !st.ok()) return st;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bastion::audit
