#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "audit/chain.h"
#include "audit/purge_event.h"
#include "audit/verify.h"
#include "audit_test_util.h"
#include "common/temp_dir.h"

namespace bastion::audit {
namespace {

using bastion::testing::TempDir;
using testing::AllCheckpoints;
using testing::AllRecords;
using testing::RequestAt;
using testing::Requests;

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class PurgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto signer = Signer::LoadOrCreate((dir_ / "signing.key").string());
    ASSERT_TRUE(signer.ok());
    signer_ = std::move(*signer);
    auto store = OpenSqliteStore(path_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
  }

  // Events at 1000, 2000, ... 10000 ms, each with content, checkpointed.
  void AppendTen() {
    auto records = store_->Append(Requests(10, 1000, "redacted prompt"), signer_.get());
    ASSERT_TRUE(records.ok());
    records_ = *records;
  }

  PurgeReport PurgeOrDie(int64_t now, int64_t metadata_before, int64_t content_before,
                         bool dry_run = false) {
    auto report = store_->Purge({now, metadata_before, content_before}, *signer_, dry_run);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : PurgeReport{};
  }

  void ExpectVerifies() {
    auto report = Verify(*store_, {signer_->public_key()});
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok()) << VerifyReportJson(*report);
  }

  TempDir dir_{"bastion_audit_purge_"};
  std::string path_ = (dir_ / "audit.db").string();
  std::unique_ptr<Signer> signer_;
  std::unique_ptr<Store> store_;
  std::vector<Record> records_;
};

TEST_F(PurgeTest, DeletesOldEventsErasesContentAndRecordsIt) {
  AppendTen();
  PurgeReport report = PurgeOrDie(20'000, 5'500, 8'500);
  EXPECT_EQ(report.events_deleted, 5);
  EXPECT_EQ(report.contents_erased, 3);
  EXPECT_EQ(report.purged_through_seq, 5);
  EXPECT_EQ(report.purged_through_hash, records_[4].hash);
  EXPECT_EQ(report.purge_seq, 11);

  std::vector<Record> kept = AllRecords(*store_);
  ASSERT_EQ(kept.size(), 6u);
  EXPECT_EQ(kept[0].seq, 6);
  EXPECT_EQ(kept[0].prev_hash, records_[4].hash);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(kept[i].content, "") << kept[i].seq;
  EXPECT_EQ(kept[3].content, "redacted prompt");
  EXPECT_EQ(kept[4].content, "redacted prompt");
  EXPECT_EQ(kept[0].event, records_[5].event);  // erasing content leaves the event whole

  const Record& purge = kept[5];
  EXPECT_EQ(purge.kind, "purge");
  EXPECT_EQ(purge.time_ms, 20'000);
  EXPECT_EQ(purge.prev_hash, records_[9].hash);
  auto anchor = ParsePurgeAnchor(purge.event);
  ASSERT_TRUE(anchor);
  EXPECT_EQ(anchor->through_seq, 5);
  EXPECT_EQ(anchor->through_hash, records_[4].hash);
  EXPECT_NE(purge.event.find("\"events_deleted\":5"), std::string::npos);
  EXPECT_NE(purge.event.find("\"contents_erased\":3"), std::string::npos);

  std::vector<Checkpoint> checkpoints = AllCheckpoints(*store_);
  ASSERT_EQ(checkpoints.size(), 2u);  // over event 10, and over the purge event
  EXPECT_EQ(checkpoints[1].seq, 11);
  EXPECT_EQ(checkpoints[1].hash, purge.hash);
  EXPECT_EQ(checkpoints[1].time_ms, 20'000);
  EXPECT_TRUE(CheckpointSignatureValid(checkpoints[1]));
  ExpectVerifies();
}

TEST_F(PurgeTest, RepeatedPurgesKeepTheTrailVerifiable) {
  AppendTen();
  PurgeOrDie(20'000, 5'500, 8'500);
  ExpectVerifies();
  PurgeReport second = PurgeOrDie(30'000, 9'500, 9'500);
  EXPECT_EQ(second.events_deleted, 4);
  EXPECT_EQ(second.contents_erased, 0);
  EXPECT_EQ(second.purged_through_seq, 9);
  EXPECT_EQ(second.purge_seq, 12);
  ExpectVerifies();
  ASSERT_TRUE(store_->Append(Requests(2, 40'000), signer_.get()).ok());
  // Everything older than 60 s goes, the earlier purge events too: the new one anchors the rest.
  PurgeReport third = PurgeOrDie(70'000, 60'000, 60'000);
  EXPECT_EQ(third.events_deleted, 5);
  EXPECT_EQ(third.purged_through_seq, 14);
  std::vector<Record> kept = AllRecords(*store_);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].seq, 15);
  EXPECT_EQ(kept[0].kind, "purge");
  ExpectVerifies();
  ASSERT_TRUE(store_->Append(Requests(1, 80'000), nullptr).ok());
  ExpectVerifies();

  // A deletion that no purge accounts for is still caught after purges.
  testing::RawSql(path_, "DELETE FROM audit_events WHERE seq = 15");
  auto report = Verify(*store_, {});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->problems.size(), 1u) << VerifyReportJson(*report);
  EXPECT_EQ(report->problems[0].kind, "deleted");
}

TEST_F(PurgeTest, DeletesOnlyAPrefixOfTheChain) {
  // A writer with a clock ahead: event 3 looks new, so it and everything after it stay.
  std::vector<PendingRecord> batch = {RequestAt(1000, "a"), RequestAt(2000, "b"),
                                      RequestAt(9000, "c"), RequestAt(3000, "d")};
  ASSERT_TRUE(store_->Append(std::move(batch), nullptr).ok());
  PurgeReport report = PurgeOrDie(20'000, 5'000, 0);
  EXPECT_EQ(report.events_deleted, 2);
  EXPECT_EQ(report.purged_through_seq, 2);
  std::vector<Record> kept = AllRecords(*store_);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].request_id, "c");
  EXPECT_EQ(kept[1].request_id, "d");
  ExpectVerifies();
}

TEST_F(PurgeTest, DryRunCountsAndChangesNothing) {
  AppendTen();
  auto head = store_->Head();
  ASSERT_TRUE(head.ok());
  PurgeReport dry = PurgeOrDie(20'000, 5'500, 8'500, /*dry_run=*/true);
  EXPECT_EQ(dry.events_deleted, 5);
  EXPECT_EQ(dry.contents_erased, 3);
  EXPECT_EQ(dry.purged_through_seq, 5);
  EXPECT_EQ(dry.purge_seq, 0);
  std::vector<Record> after = AllRecords(*store_);
  ASSERT_EQ(after.size(), 10u);
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].hash, records_[i].hash);
    EXPECT_EQ(after[i].content, "redacted prompt");
  }
  EXPECT_EQ(AllCheckpoints(*store_).size(), 1u);
  auto head_after = store_->Head();
  ASSERT_TRUE(head_after.ok());
  EXPECT_EQ(*head_after, *head);
}

TEST_F(PurgeTest, NothingToPurgeAppendsNothing) {
  AppendTen();
  PurgeReport report = PurgeOrDie(20'000, 500, 500);
  EXPECT_EQ(report.events_deleted, 0);
  EXPECT_EQ(report.contents_erased, 0);
  EXPECT_EQ(report.purge_seq, 0);
  EXPECT_EQ(AllRecords(*store_).size(), 10u);
}

TEST_F(PurgeTest, ErasedContentLeavesNoBytesOnDisk) {
  const std::string canary = "canary-7d1e5a90-bastion-audit-erase";
  for (int batch = 0; batch < 5; ++batch) {
    std::vector<PendingRecord> records;
    for (int i = 0; i < 20; ++i) {
      // Every fifth spills into overflow pages (larger than a 4 KB page).
      std::string content = canary + "-" + std::to_string(batch * 20 + i) + " " +
                            std::string(i % 5 == 0 ? 20000 : 200, 'x') + canary;
      records.push_back(RequestAt(1000 + batch * 20 + i, "r", content));
    }
    ASSERT_TRUE(store_->Append(std::move(records), signer_.get()).ok());
  }
  auto on_disk = [&] {
    std::string all;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) all += FileBytes(path_ + suffix);
    return all;
  };
  ASSERT_NE(on_disk().find(canary), std::string::npos) << "the test would prove nothing";

  PurgeReport report = PurgeOrDie(1'000'000, 0, 1'000'000);
  EXPECT_EQ(report.contents_erased, 100);
  EXPECT_EQ(report.events_deleted, 0);
  EXPECT_EQ(on_disk().find(canary), std::string::npos);
  EXPECT_EQ(on_disk().find("-42 xxxx"), std::string::npos);
  ExpectVerifies();
  ASSERT_TRUE(store_->Append(Requests(3, 2'000'000), signer_.get()).ok());
  store_.reset();
  EXPECT_EQ(on_disk().find(canary), std::string::npos);
}

}  // namespace
}  // namespace bastion::audit
