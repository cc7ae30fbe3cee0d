#pragma once
// The audit writer: requests hand their events to a queue; one thread commits whatever has
// queued in one transaction (group commit), signs a checkpoint at most every
// checkpoint_interval, runs the retention purge every purge_interval, and then tells each
// submitter its event is durable. A request waits for that before its response completes.

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audit/digest_key.h"
#include "audit/record.h"
#include "audit/signer.h"
#include "audit/store.h"
#include "common/config.h"
#include "common/metrics.h"

namespace bastion::audit {

class AuditLog {
 public:
  using Done = std::function<void(const Status&)>;

  // Opens the store, the signing and digest keys (made in `data_dir` when the config names
  // none) and the auditor's public key, and starts the writer thread.
  static Result<std::unique_ptr<AuditLog>> Open(const AuditConfig& config,
                                                const std::string& data_dir,
                                                MetricsRegistry& metrics);
  // For tests and benchmarks: an already open store and keys.
  AuditLog(const AuditConfig& config, std::unique_ptr<Store> store, std::unique_ptr<Signer> signer,
           DigestKey digests, std::string auditor_key, MetricsRegistry& metrics);
  // Where the server's checkpoint key is: audit.signing_key_file, else in the data directory.
  static std::string SigningKeyPath(const AuditConfig& config, const std::string& data_dir);

  // Commits what is queued, signs a last checkpoint, stops the thread.
  ~AuditLog();

  // Queues `record`; `done` runs once, on the writer thread, when it is durable (Ok) or could
  // not be stored (Unavailable: the queue is full, or the store failed).
  void Submit(PendingRecord record, Done done);

  // Runs a purge on the writer thread now and waits for it.
  Result<PurgeReport> PurgeNow(bool dry_run);

  const DigestKey& digests() const { return digests_; }
  // The auditor's X25519 public key (32 bytes), "" when no policy encrypts.
  const std::string& auditor_key() const { return auditor_key_; }
  const AuditConfig& config() const { return config_; }
  std::string Describe() const { return store_description_; }

 private:
  struct Item {
    PendingRecord record;
    Done done;
  };
  void Run();
  void CommitBatch(std::deque<Item>& batch, bool checkpoint);
  PurgePlan PlanPurge() const;

  AuditConfig config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Signer> signer_;
  DigestKey digests_;
  std::string auditor_key_;
  std::string store_description_;

  Gauge& queue_depth_;
  Histogram& write_seconds_;
  Histogram& batch_events_;
  Counter& events_written_;
  Counter& write_failures_;
  Counter& purged_events_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Item> queue_;               // GUARDED_BY(mu_)
  std::function<void()> purge_request_;  // GUARDED_BY(mu_): run by the writer thread
  bool stopping_ = false;                // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace bastion::audit
