#include "audit/audit_log.h"

#include <chrono>

#include "audit/event.h"
#include "audit/key_file.h"
#include "common/log.h"

namespace bastion::audit {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string InDataDir(const std::string& configured, const std::string& data_dir,
                      const char* name) {
  return configured.empty() ? data_dir + "/" + name : configured;
}

const std::vector<double>& BatchBuckets() {
  static const std::vector<double> kBuckets = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};
  return kBuckets;
}

}  // namespace

std::string AuditLog::SigningKeyPath(const AuditConfig& config, const std::string& data_dir) {
  return InDataDir(config.signing_key_file, data_dir, "audit-signing.key");
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const AuditConfig& config,
                                                 const std::string& data_dir,
                                                 MetricsRegistry& metrics) {
  auto store = OpenStore(config.store_url, data_dir);
  if (!store.ok()) return store.status();
  std::string signing_key = SigningKeyPath(config, data_dir);
  auto signer = Signer::LoadOrCreate(signing_key);
  if (!signer.ok()) return signer.status();
  if (Status st = (*signer)->WritePublicKey(signing_key); !st.ok()) return st;
  auto digests =
      DigestKey::LoadOrCreate(InDataDir(config.digest_key_file, data_dir, "audit-digest.key"));
  if (!digests.ok()) return digests.status();
  std::string auditor_key;
  if (config.Uses(ContentPolicy::kEncrypted) || !config.auditor_public_key_file.empty()) {
    auto key = ReadKeyFile(config.auditor_public_key_file, "auditor public key");
    if (!key.ok()) {
      return Status::InvalidArgument("audit.auditor_public_key_file: " + key.status().message());
    }
    auditor_key = std::move(*key);
  }
  return std::make_unique<AuditLog>(config, std::move(*store), std::move(*signer),
                                    std::move(*digests), std::move(auditor_key), metrics);
}

AuditLog::AuditLog(const AuditConfig& config, std::unique_ptr<Store> store,
                   std::unique_ptr<Signer> signer, DigestKey digests, std::string auditor_key,
                   MetricsRegistry& metrics)
    : config_(config),
      store_(std::move(store)),
      signer_(std::move(signer)),
      digests_(std::move(digests)),
      auditor_key_(std::move(auditor_key)),
      store_description_(store_->Describe()),
      queue_depth_(
          metrics.GetGauge("bastion_audit_queue_depth", "Audit events waiting to be written.")),
      write_seconds_(metrics.GetHistogram("bastion_audit_write_seconds",
                                          "Time to commit one batch of audit events.", {},
                                          LatencyBuckets())),
      batch_events_(metrics.GetHistogram("bastion_audit_batch_events",
                                         "Audit events committed together.", {}, BatchBuckets())),
      events_written_(
          metrics.GetCounter("bastion_audit_events_total", "Audit events written durably.")),
      write_failures_(
          metrics.GetCounter("bastion_audit_write_failures_total",
                             "Audit events that could not be written (their requests failed).")),
      purged_events_(metrics.GetCounter("bastion_audit_purged_events_total",
                                        "Audit events deleted by retention purges.")) {
  thread_ = std::thread([this] { Run(); });
}

AuditLog::~AuditLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AuditLog::Submit(PendingRecord record, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_ && queue_.size() < static_cast<size_t>(config_.queue_capacity)) {
      queue_.push_back({std::move(record), std::move(done)});
      queue_depth_.Set(static_cast<int64_t>(queue_.size()));
      if (queue_.size() == 1 || queue_.size() == static_cast<size_t>(config_.max_batch)) {
        wake_.notify_one();
      }
      return;
    }
  }
  write_failures_.Inc();
  done(Status::Unavailable("the audit queue is full"));
}

PurgePlan AuditLog::PlanPurge() const {
  PurgePlan plan;
  plan.now_ms = UnixMillisNow();
  plan.metadata_before_ms = plan.now_ms - config_.retain_metadata.count();
  plan.content_before_ms = plan.now_ms - config_.retain_content.count();
  return plan;
}

Result<PurgeReport> AuditLog::PurgeNow(bool dry_run) {
  std::mutex done_mu;
  std::condition_variable done_cv;
  std::optional<Result<PurgeReport>> result;
  {
    std::lock_guard lock(mu_);
    purge_request_ = [&] {
      auto r = store_->Purge(PlanPurge(), *signer_, dry_run);
      std::lock_guard done_lock(done_mu);
      result.emplace(std::move(r));
      done_cv.notify_one();
    };
  }
  wake_.notify_one();
  std::unique_lock done_lock(done_mu);
  done_cv.wait(done_lock, [&] { return result.has_value(); });
  return std::move(*result);
}

void AuditLog::CommitBatch(std::deque<Item>& batch, bool checkpoint) {
  std::vector<PendingRecord> records;
  records.reserve(batch.size());
  auto start = SteadyClock::now();
  Status status;
  // A failed transaction stores nothing, so one retry cannot duplicate events.
  for (int attempt = 0; attempt < 2; ++attempt) {
    records.clear();
    for (const Item& item : batch) records.push_back(item.record);
    auto appended = store_->Append(std::move(records), checkpoint ? signer_.get() : nullptr);
    status = appended.ok() ? Status::Ok() : appended.status();
    if (status.ok()) break;
  }
  write_seconds_.Observe(std::chrono::duration<double>(SteadyClock::now() - start).count());
  batch_events_.Observe(static_cast<double>(batch.size()));
  if (status.ok()) {
    events_written_.Inc(batch.size());
  } else {
    write_failures_.Inc(batch.size());
    spdlog::error("audit: cannot write {} events to {}: {}", batch.size(), store_description_,
                  status.message());
    status = Status::Unavailable("the audit trail cannot be written");
  }
  for (Item& item : batch) item.done(status);
}

void AuditLog::Run() {
  auto last_checkpoint = SteadyClock::now();
  bool unsigned_events = false;
  auto next_purge = SteadyClock::now() + std::chrono::seconds(10);
  for (;;) {
    std::deque<Item> batch;
    std::function<void()> purge;
    bool stopping = false;
    {
      std::unique_lock lock(mu_);
      auto deadline = unsigned_events ? last_checkpoint + config_.checkpoint_interval
                                      : SteadyClock::now() + std::chrono::seconds(1);
      if (config_.purge_interval.count() > 0) deadline = std::min(deadline, next_purge);
      wake_.wait_until(lock, deadline,
                       [&] { return stopping_ || !queue_.empty() || purge_request_; });
      // Group commit: let more events join for up to commit_delay, so one transaction (and one
      // fsync) serves many requests.
      if (!queue_.empty() && config_.commit_delay.count() > 0) {
        wake_.wait_until(lock, SteadyClock::now() + config_.commit_delay, [&] {
          return stopping_ || purge_request_ ||
                 queue_.size() >= static_cast<size_t>(config_.max_batch);
        });
      }
      size_t n = std::min(queue_.size(), static_cast<size_t>(config_.max_batch));
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queue_depth_.Set(static_cast<int64_t>(queue_.size()));
      purge = std::move(purge_request_);
      purge_request_ = nullptr;
      stopping = stopping_ && queue_.empty();
    }
    auto now = SteadyClock::now();
    bool checkpoint_due = now - last_checkpoint >= config_.checkpoint_interval || stopping;
    if (!batch.empty()) {
      CommitBatch(batch, checkpoint_due);
      unsigned_events = !checkpoint_due;
      if (checkpoint_due) last_checkpoint = now;
    } else if (unsigned_events && checkpoint_due) {
      // Quiet now: sign the tail, so no event stays unsigned for long.
      if (store_->Append({}, signer_.get()).ok()) unsigned_events = false;
      last_checkpoint = now;
    }
    if (purge) {
      purge();
    } else if (config_.purge_interval.count() > 0 && now >= next_purge) {
      next_purge = now + config_.purge_interval;
      auto report = store_->Purge(PlanPurge(), *signer_, false);
      if (!report.ok()) {
        spdlog::error("audit: retention purge failed on {}: {}", store_description_,
                      report.status().message());
      } else if (report->events_deleted > 0 || report->contents_erased > 0) {
        purged_events_.Inc(static_cast<uint64_t>(report->events_deleted));
        spdlog::info("audit: purged {} events and the content of {} more", report->events_deleted,
                     report->contents_erased);
      }
    }
    if (stopping && batch.empty()) break;
  }
}

}  // namespace bastion::audit
