#pragma once
// Where the trail lives: SQLite in the data directory (one server) or PostgreSQL (several
// gateways writing one trail). Appending numbers and chains records inside the store's own
// transaction, so concurrent writers on one database still form a single chain.
//
// Not thread-safe: the audit writer thread owns its store; CLI commands open their own.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/record.h"
#include "audit/signer.h"
#include "common/status.h"

namespace bastion::audit {

// Which records a scan returns; every condition that is set must hold.
struct Query {
  int64_t from_seq = 0;                       // seq >= from_seq
  std::optional<int64_t> since_ms, until_ms;  // time_ms >= since, < until
  std::string kind;
  std::string request_id;
  int64_t limit = 0;  // 0: all
  bool newest_first = false;
};

// What a retention purge removes: events older than `metadata_before_ms` (oldest first, as a
// prefix of the chain), and the content of events older than `content_before_ms`.
struct PurgePlan {
  int64_t now_ms = 0;
  int64_t metadata_before_ms = 0;
  int64_t content_before_ms = 0;
};

struct PurgeReport {
  int64_t events_deleted = 0;
  int64_t contents_erased = 0;
  int64_t purged_through_seq = 0;   // the last deleted record (0: none)
  std::string purged_through_hash;  // its hash, which the first kept record names as prev_hash
  int64_t purge_seq = 0;            // the "purge" event recording this (0 on a dry run)
};

class Store {
 public:
  virtual ~Store() = default;

  // Appends `batch` in one transaction after the current head, and, when `checkpoint_signer` is
  // set, a checkpoint over the new head. Durable (synced) when it returns Ok; on error nothing
  // of the batch is stored. Returns the records as stored (seq and hashes set).
  virtual Result<std::vector<Record>> Append(std::vector<PendingRecord> batch,
                                             const Signer* checkpoint_signer) = 0;

  // Records matching `q`, in seq order (or reversed), until `each` returns false.
  virtual Status Scan(const Query& q, const std::function<bool(const Record&)>& each) = 0;
  virtual Status ScanCheckpoints(const std::function<bool(const Checkpoint&)>& each) = 0;

  // The last record's (seq, hash); (0, kGenesisHash) when the trail is empty.
  virtual Result<std::pair<int64_t, std::string>> Head() = 0;

  // Deletes the events and erases the content `plan` says, appends a "purge" event that records
  // it (purge_event.h) and a checkpoint, all in one transaction, then makes the erased bytes
  // unrecoverable from the database files (SQLite: secure_delete and WAL truncation).
  // A dry run counts what would go and changes nothing.
  virtual Result<PurgeReport> Purge(const PurgePlan& plan, const Signer& signer, bool dry_run) = 0;

  // "sqlite:/path/audit.db" or "postgresql://host/db" (no password), for messages.
  virtual std::string Describe() const = 0;
};

// SQLite at `path` (made, with its schema, when missing; WAL, synchronous=FULL, secure_delete).
// `read_only` opens an existing file without creating or migrating it.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, bool read_only = false);
// PostgreSQL at `url`; creates the schema when missing.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url);
// The store a config names: audit.store_url, or SQLite DATA_DIR/audit.db.
Result<std::unique_ptr<Store>> OpenStore(const std::string& store_url, const std::string& data_dir,
                                         bool read_only = false);

}  // namespace bastion::audit
