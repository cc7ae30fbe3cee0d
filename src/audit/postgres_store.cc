// The audit trail in PostgreSQL, shared by several gateways. Every change to the chain
// (append, purge) runs in one transaction under one advisory lock, so writers on different
// hosts take turns at the head and the trail stays a single chain; reads take no lock.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/chain.h"
#include "audit/event.h"
#include "audit/purge_event.h"
#include "audit/store.h"
#include "auth/keys/pg_connection.h"

namespace bastion::audit {
namespace {

using auth::PgConnection;
using auth::PgRows;

constexpr const char* kSchema[] = {
    R"sql(
CREATE TABLE IF NOT EXISTS audit_events (
  seq BIGINT PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  kind TEXT NOT NULL,
  request_id TEXT NOT NULL,
  event TEXT NOT NULL,
  content TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
))sql",
    "CREATE INDEX IF NOT EXISTS audit_events_time_ms ON audit_events (time_ms)",
    "CREATE INDEX IF NOT EXISTS audit_events_request_id ON audit_events (request_id)",
    R"sql(
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  seq BIGINT PRIMARY KEY,
  hash TEXT,
  time_ms BIGINT,
  signer TEXT,
  signature TEXT
))sql",
};

// Any constants (distinct from the key store's): one serializes schema creation between
// gateways starting at once, the other every change to the chain.
constexpr const char* kSchemaLockId = "7310485963";
constexpr const char* kChainLockId = "7310485964";

constexpr const char* kColumns = "seq, time_ms, kind, request_id, event, content, prev_hash, hash";

// Rows per INSERT when appending, and per SELECT when scanning.
constexpr size_t kInsertRows = 1000;
constexpr int64_t kPageRows = 1000;

// Purging a long trail and vacuuming it may take longer than the connection's 5 s bound.
constexpr const char* kPurgeTimeout = "SET LOCAL statement_timeout = '10min'";
constexpr const char* kVacuumTimeout = "SET statement_timeout = '10min'";

// A PostgreSQL array literal of text values, each one quoted, so that any text (braces,
// commas, quotes, the word NULL) comes back as written; AddNull() adds an SQL NULL.
class ArrayLiteral {
 public:
  void Add(std::string_view value) {
    Separate();
    text_.push_back('"');
    for (char c : value) {
      if (c == '"' || c == '\\') text_.push_back('\\');
      text_.push_back(c);
    }
    text_.push_back('"');
  }
  void AddNull() {
    Separate();
    text_.append("NULL");
  }
  std::string Take() { return std::move(text_) + "}"; }

 private:
  void Separate() {
    if (text_.size() > 1) text_.push_back(',');
  }
  std::string text_ = "{";
};

Record ReadRecord(const PgRows& rows, int i) {
  Record r;
  r.seq = rows.Int(i, 0);
  r.time_ms = rows.Int(i, 1);
  r.kind = rows.Text(i, 2);
  r.request_id = rows.Text(i, 3);
  r.event = rows.Text(i, 4);
  r.content = rows.Text(i, 5);  // "" for NULL
  r.prev_hash = rows.Text(i, 6);
  r.hash = rows.Text(i, 7);
  return r;
}

// Appends "$N" for `value` to `params` and returns it.
std::string Param(std::vector<std::string>& params, std::string value) {
  params.push_back(std::move(value));
  return "$" + std::to_string(params.size());
}

// The WHERE conditions of `q` other than its seq bounds, each starting with " AND".
std::string Filters(const Query& q, std::vector<std::string>& params) {
  std::string sql;
  if (q.since_ms) sql += " AND time_ms >= " + Param(params, std::to_string(*q.since_ms));
  if (q.until_ms) sql += " AND time_ms < " + Param(params, std::to_string(*q.until_ms));
  if (!q.kind.empty()) sql += " AND kind = " + Param(params, q.kind);
  if (!q.request_id.empty()) sql += " AND request_id = " + Param(params, q.request_id);
  return sql;
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Status CreateSchema();

  Result<std::vector<Record>> Append(std::vector<PendingRecord> batch,
                                     const Signer* checkpoint_signer) override;
  Status Scan(const Query& q, const std::function<bool(const Record&)>& each) override;
  Status ScanCheckpoints(const std::function<bool(const Checkpoint&)>& each) override;
  Result<std::pair<int64_t, std::string>> Head() override;
  Result<PurgeReport> Purge(const PurgePlan& plan, const Signer& signer, bool dry_run) override;
  std::string Describe() const override { return "postgresql://" + db_->server(); }

 private:
  Result<PgRows> Exec(const char* sql, const std::vector<std::string>& params = {}) {
    return db_->Exec(sql, params);
  }
  Status Run(const char* sql, const std::vector<std::string>& params = {}) {
    auto rows = Exec(sql, params);
    return rows.ok() ? Status::Ok() : rows.status();
  }
  Status Transaction(const std::function<Status()>& body) { return db_->Transaction(body); }
  // Inside a transaction: waits for every other writer of the chain to commit.
  Status LockChain() { return Run("SELECT pg_advisory_xact_lock($1::bigint)", {kChainLockId}); }

  Status InsertRecords(const std::vector<Record>& records);
  Status InsertCheckpoint(const Checkpoint& c);
  Status FindPurgedPrefix(int64_t before_ms, PurgeReport& report);
  Status PurgeLocked(const PurgePlan& plan, const Signer& signer, bool dry_run,
                     PurgeReport& report);
  Status Vacuum();

  std::unique_ptr<PgConnection> db_;
};

Status PostgresStore::CreateSchema() {
  return Transaction([&] {
    if (Status st = Run("SELECT pg_advisory_xact_lock($1::bigint)", {kSchemaLockId}); !st.ok()) {
      return st;
    }
    for (const char* sql : kSchema) {
      if (Status st = Run(sql); !st.ok()) return st;
    }
    return Status::Ok();
  });
}

Status PostgresStore::InsertRecords(const std::vector<Record>& records) {
  for (size_t begin = 0; begin < records.size(); begin += kInsertRows) {
    ArrayLiteral seq, time, kind, request, event, content, prev, hash;
    for (size_t i = begin; i < std::min(records.size(), begin + kInsertRows); ++i) {
      const Record& r = records[i];
      seq.Add(std::to_string(r.seq));
      time.Add(std::to_string(r.time_ms));
      kind.Add(r.kind);
      request.Add(r.request_id);
      event.Add(r.event);
      r.content.empty() ? content.AddNull() : content.Add(r.content);
      prev.Add(r.prev_hash);
      hash.Add(r.hash);
    }
    Status st = Run((std::string("INSERT INTO audit_events (") + kColumns +
                     ") SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], "
                     "$5::text[], $6::text[], $7::text[], $8::text[])")
                        .c_str(),
                    {seq.Take(), time.Take(), kind.Take(), request.Take(), event.Take(),
                     content.Take(), prev.Take(), hash.Take()});
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Status PostgresStore::InsertCheckpoint(const Checkpoint& c) {
  // A checkpoint over a head that already has one (an empty append) keeps the first.
  return Run(
      "INSERT INTO audit_checkpoints (seq, hash, time_ms, signer, signature) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING",
      {std::to_string(c.seq), c.hash, std::to_string(c.time_ms), c.signer, c.signature});
}

Result<std::vector<Record>> PostgresStore::Append(std::vector<PendingRecord> batch,
                                                  const Signer* checkpoint_signer) {
  std::vector<Record> records;
  if (batch.empty() && checkpoint_signer == nullptr) return records;
  Status st = Transaction([&] {
    if (Status locked = LockChain(); !locked.ok()) return locked;
    auto head = Head();
    if (!head.ok()) return head.status();
    auto [seq, hash] = std::move(*head);
    records = ChainAfter(seq, hash, std::move(batch));
    if (Status inserted = InsertRecords(records); !inserted.ok()) return inserted;
    if (checkpoint_signer == nullptr || seq == 0) return Status::Ok();
    return InsertCheckpoint(checkpoint_signer->Sign(seq, hash, UnixMillisNow()));
  });
  if (!st.ok()) return st;
  return records;
}

Status PostgresStore::Scan(const Query& q, const std::function<bool(const Record&)>& each) {
  // Pages by seq, so a trail of any length streams in bounded memory.
  int64_t cursor = q.newest_first ? std::numeric_limits<int64_t>::max() : q.from_seq;
  int64_t delivered = 0;
  for (;;) {
    const int64_t page = q.limit > 0 ? std::min(kPageRows, q.limit - delivered) : kPageRows;
    std::vector<std::string> params;
    std::string sql = std::string("SELECT ") + kColumns + " FROM audit_events WHERE ";
    if (q.newest_first) {
      sql += "seq >= " + Param(params, std::to_string(q.from_seq)) + " AND seq < " +
             Param(params, std::to_string(cursor));
    } else {
      sql += "seq >= " + Param(params, std::to_string(cursor));
    }
    sql += Filters(q, params);
    sql += q.newest_first ? " ORDER BY seq DESC" : " ORDER BY seq ASC";
    sql += " LIMIT " + std::to_string(page);
    auto rows = Exec(sql.c_str(), params);
    if (!rows.ok()) return rows.status();
    for (int i = 0; i < rows->size(); ++i) {
      Record r = ReadRecord(*rows, i);
      cursor = q.newest_first ? r.seq : r.seq + 1;
      ++delivered;
      if (!each(r)) return Status::Ok();
    }
    if (rows->size() < page || (q.limit > 0 && delivered >= q.limit)) return Status::Ok();
  }
}

Status PostgresStore::ScanCheckpoints(const std::function<bool(const Checkpoint&)>& each) {
  int64_t cursor = 0;
  for (;;) {
    auto rows = Exec(
        "SELECT seq, coalesce(hash, ''), coalesce(time_ms, 0), coalesce(signer, ''), "
        "coalesce(signature, '') FROM audit_checkpoints WHERE seq >= $1 ORDER BY seq LIMIT $2",
        {std::to_string(cursor), std::to_string(kPageRows)});
    if (!rows.ok()) return rows.status();
    for (int i = 0; i < rows->size(); ++i) {
      Checkpoint c{rows->Int(i, 0), rows->Text(i, 1), rows->Int(i, 2), rows->Text(i, 3),
                   rows->Text(i, 4)};
      cursor = c.seq + 1;
      if (!each(c)) return Status::Ok();
    }
    if (rows->size() < kPageRows) return Status::Ok();
  }
}

Result<std::pair<int64_t, std::string>> PostgresStore::Head() {
  auto rows = Exec("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
  if (!rows.ok()) return rows.status();
  if (rows->size() == 0) return std::pair<int64_t, std::string>(0, kGenesisHash);
  return std::pair<int64_t, std::string>(rows->Int(0, 0), rows->Text(0, 1));
}

// The oldest records up to (not including) the first one at or after `before_ms`: the last of
// them goes into `report` (none: through seq 0).
Status PostgresStore::FindPurgedPrefix(int64_t before_ms, PurgeReport& report) {
  auto rows = Exec(
      "SELECT seq, hash FROM audit_events WHERE seq < coalesce((SELECT min(seq) FROM "
      "audit_events WHERE time_ms >= $1), 9223372036854775807) ORDER BY seq DESC LIMIT 1",
      {std::to_string(before_ms)});
  if (!rows.ok()) return rows.status();
  if (rows->size() == 0) return Status::Ok();
  report.purged_through_seq = rows->Int(0, 0);
  report.purged_through_hash = rows->Text(0, 1);
  return Status::Ok();
}

Status PostgresStore::PurgeLocked(const PurgePlan& plan, const Signer& signer, bool dry_run,
                                  PurgeReport& report) {
  auto head = Head();
  if (!head.ok()) return head.status();
  if (Status st = FindPurgedPrefix(plan.metadata_before_ms, report); !st.ok()) return st;
  const std::string through = std::to_string(report.purged_through_seq);
  const std::string content_before = std::to_string(plan.content_before_ms);
  // A dry run counts the rows its changes would touch.
  auto deleted = Exec(dry_run ? "SELECT count(*) FROM audit_events WHERE seq <= $1"
                              : "DELETE FROM audit_events WHERE seq <= $1",
                      {through});
  if (!deleted.ok()) return deleted.status();
  report.events_deleted = dry_run ? deleted->Int(0, 0) : deleted->affected();
  auto erased = Exec(dry_run ? "SELECT count(*) FROM audit_events WHERE seq > $1 AND time_ms < $2 "
                               "AND content IS NOT NULL AND content <> ''"
                             : "UPDATE audit_events SET content = NULL WHERE seq > $1 AND "
                               "time_ms < $2 AND content IS NOT NULL AND content <> ''",
                     {through, content_before});
  if (!erased.ok()) return erased.status();
  report.contents_erased = dry_run ? erased->Int(0, 0) : erased->affected();
  if (dry_run) return Status::Ok();
  if (Status st = Run("DELETE FROM audit_checkpoints WHERE seq <= $1", {through}); !st.ok()) {
    return st;
  }
  auto [seq, hash] = std::move(*head);
  std::vector<Record> purge = ChainAfter(seq, hash, {PurgeRecord(plan, report)});
  if (Status st = InsertRecords(purge); !st.ok()) return st;
  report.purge_seq = seq;
  return InsertCheckpoint(signer.Sign(seq, hash, plan.now_ms));
}

Status PostgresStore::Vacuum() {
  // Erased content and deleted rows stay in the table's pages as dead tuples until a VACUUM
  // reclaims them. VACUUM cannot run inside a transaction, so this follows the commit.
  if (Status st = Run(kVacuumTimeout); !st.ok()) return st;
  Status vacuumed = Run("VACUUM audit_events");
  Status reset = Run("RESET statement_timeout");
  return vacuumed.ok() ? reset : vacuumed;
}

Result<PurgeReport> PostgresStore::Purge(const PurgePlan& plan, const Signer& signer,
                                         bool dry_run) {
  PurgeReport report;
  Status st = Transaction([&] {
    if (Status timeout = Run(kPurgeTimeout); !timeout.ok()) return timeout;
    if (Status locked = LockChain(); !locked.ok()) return locked;
    return PurgeLocked(plan, signer, dry_run, report);
  });
  if (!st.ok()) return st;
  if (Status vacuumed = dry_run ? Status::Ok() : Vacuum(); !vacuumed.ok()) {
    return Status::IoError("the purge is recorded (event " + std::to_string(report.purge_seq) +
                           ") but erased content may stay in the database files until the next "
                           "VACUUM of audit_events: " +
                           vacuumed.message());
  }
  return report;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url) {
  auto db = PgConnection::Connect(url, {"PostgreSQL audit store", "audit.store_url"});
  if (!db.ok()) return db.status();
  auto store = std::make_unique<PostgresStore>(std::move(*db));
  if (Status st = store->CreateSchema(); !st.ok()) return st;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bastion::audit
