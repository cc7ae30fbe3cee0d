#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "audit/verify.h"
#include "audit_test_util.h"
#include "common/temp_dir.h"

namespace bastion::audit {
namespace {

using bastion::testing::TempDir;
using testing::AllCheckpoints;
using testing::AllRecords;
using testing::RequestAt;

// A SQLite store that can be made to fail, or to hold each append until released.
class ControlledStore : public Store {
 public:
  explicit ControlledStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

  Result<std::vector<Record>> Append(std::vector<PendingRecord> batch,
                                     const Signer* signer) override {
    {
      std::unique_lock lock(mu_);
      ++appends_;
      batch_sizes_.push_back(batch.size());
      cv_.notify_all();
      cv_.wait(lock, [&] { return !hold_; });
      if (fail_) return Status::IoError("disk full");
    }
    return inner_->Append(std::move(batch), signer);
  }
  Status Scan(const Query& q, const std::function<bool(const Record&)>& each) override {
    return inner_->Scan(q, each);
  }
  Status ScanCheckpoints(const std::function<bool(const Checkpoint&)>& each) override {
    return inner_->ScanCheckpoints(each);
  }
  Result<std::pair<int64_t, std::string>> Head() override { return inner_->Head(); }
  Result<PurgeReport> Purge(const PurgePlan& plan, const Signer& signer, bool dry_run) override {
    return inner_->Purge(plan, signer, dry_run);
  }
  std::string Describe() const override { return "controlled " + inner_->Describe(); }

  void Hold(bool hold) {
    std::lock_guard lock(mu_);
    hold_ = hold;
    cv_.notify_all();
  }
  void Fail(bool fail) {
    std::lock_guard lock(mu_);
    fail_ = fail;
  }
  void WaitForAppends(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return appends_ >= n; });
  }
  std::vector<size_t> batch_sizes() {
    std::lock_guard lock(mu_);
    return batch_sizes_;
  }

 private:
  std::unique_ptr<Store> inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_ = false, fail_ = false;
  int appends_ = 0;
  std::vector<size_t> batch_sizes_;
};

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sqlite = OpenSqliteStore((dir_ / "audit.db").string());
    ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
    auto store = std::make_unique<ControlledStore>(std::move(*sqlite));
    store_ = store.get();
    auto signer = Signer::LoadOrCreate((dir_ / "audit-signing.key").string());
    ASSERT_TRUE(signer.ok());
    config_.purge_interval = Millis(0);
    config_.queue_capacity = 16;
    log_ = std::make_unique<AuditLog>(config_, std::move(store), std::move(*signer),
                                      DigestKey(std::string(32, 'k')), "", metrics_);
  }

  // Submits and returns a future-like flag set when `done` ran.
  struct Outcome {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    Status status;
    void Wait() {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return done; });
    }
  };
  std::shared_ptr<Outcome> Submit(const std::string& id) {
    auto outcome = std::make_shared<Outcome>();
    log_->Submit(RequestAt(1'000'000, id), [outcome](const Status& st) {
      std::lock_guard lock(outcome->mu);
      outcome->status = st;
      outcome->done = true;
      outcome->cv.notify_all();
    });
    return outcome;
  }

  std::unique_ptr<Store> Reopen() {
    auto store = OpenSqliteStore((dir_ / "audit.db").string(), true);
    EXPECT_TRUE(store.ok());
    return std::move(*store);
  }

  TempDir dir_{"bastion-audit-log"};
  MetricsRegistry metrics_;
  AuditConfig config_;
  ControlledStore* store_ = nullptr;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, AnEventIsStoredBeforeItsSubmitterHears) {
  auto outcome = Submit("req-1");
  outcome->Wait();
  ASSERT_TRUE(outcome->status.ok()) << outcome->status.ToString();
  auto records = AllRecords(*Reopen());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].request_id, "req-1");
}

TEST_F(AuditLogTest, EventsQueuedDuringACommitAreCommittedTogether) {
  store_->Hold(true);
  auto first = Submit("first");
  store_->WaitForAppends(1);
  std::vector<std::shared_ptr<Outcome>> waiting;
  for (int i = 0; i < 10; ++i) waiting.push_back(Submit("queued-" + std::to_string(i)));
  store_->Hold(false);
  first->Wait();
  for (auto& o : waiting) {
    o->Wait();
    EXPECT_TRUE(o->status.ok());
  }
  std::vector<size_t> sizes = store_->batch_sizes();
  ASSERT_GE(sizes.size(), 2u);
  EXPECT_EQ(sizes[0], 1u);
  EXPECT_EQ(sizes[1], 10u);  // one transaction for everything that queued meanwhile
  EXPECT_EQ(AllRecords(*Reopen()).size(), 11u);
}

TEST_F(AuditLogTest, AFailedWriteFailsItsRequestsAndIsCounted) {
  store_->Fail(true);
  auto outcome = Submit("lost");
  outcome->Wait();
  EXPECT_EQ(outcome->status.code(), StatusCode::kUnavailable);
  EXPECT_NE(metrics_.RenderPrometheus().find("bastion_audit_write_failures_total 1"),
            std::string::npos);
  store_->Fail(false);
  auto next = Submit("kept");
  next->Wait();
  EXPECT_TRUE(next->status.ok());
  auto records = AllRecords(*Reopen());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].request_id, "kept");
}

TEST_F(AuditLogTest, AFullQueueRefusesAtOnceRatherThanDropLater) {
  store_->Hold(true);
  auto first = Submit("first");
  store_->WaitForAppends(1);
  std::vector<std::shared_ptr<Outcome>> queued;
  for (int i = 0; i < config_.queue_capacity; ++i) queued.push_back(Submit(std::to_string(i)));
  auto refused = Submit("one too many");
  refused->Wait();  // answered without the writer
  EXPECT_EQ(refused->status.code(), StatusCode::kUnavailable);
  store_->Hold(false);
  for (auto& o : queued) {
    o->Wait();
    EXPECT_TRUE(o->status.ok());
  }
  EXPECT_EQ(AllRecords(*Reopen()).size(), static_cast<size_t>(config_.queue_capacity) + 1);
}

TEST_F(AuditLogTest, StoppingCommitsWhatIsQueuedAndSignsTheHead) {
  store_->Hold(true);
  auto first = Submit("first");
  store_->WaitForAppends(1);
  std::vector<std::shared_ptr<Outcome>> queued;
  for (int i = 0; i < 5; ++i) queued.push_back(Submit("q" + std::to_string(i)));
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    store_->Hold(false);
  });
  log_.reset();
  release.join();
  for (auto& o : queued) EXPECT_TRUE(o->done && o->status.ok());
  auto store = Reopen();
  EXPECT_EQ(AllRecords(*store).size(), 6u);
  auto report = Verify(*store, {});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->last_signed_seq, 6);
  EXPECT_EQ(report->unsigned_tail, 0);
}

TEST_F(AuditLogTest, PurgeNowRunsOnTheWriterAndIsRecorded) {
  auto old = Submit("old");
  old->Wait();
  auto report = log_->PurgeNow(false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events_deleted, 1);  // its time (1970) is long past retention
  auto records = AllRecords(*Reopen());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].kind, "purge");
  EXPECT_FALSE(AllCheckpoints(*Reopen()).empty());
}

}  // namespace
}  // namespace bastion::audit
