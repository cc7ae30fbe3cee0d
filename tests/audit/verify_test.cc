// Tampering with a trail's file the way someone with disk access would, through SQL, and what
// `audit verify` says about it: exactly one problem, of the right kind, at the right event.

#include "audit/verify.h"

#include <gtest/gtest.h>

#include "audit/chain.h"
#include "audit_test_util.h"
#include "common/temp_dir.h"

namespace bastion::audit {
namespace {

using bastion::testing::TempDir;
using testing::AllRecords;
using testing::RawSql;
using testing::Requests;

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto signer = Signer::LoadOrCreate((dir_ / "signing.key").string());
    ASSERT_TRUE(signer.ok());
    signer_ = std::move(*signer);
    auto store = OpenSqliteStore(path_);
    ASSERT_TRUE(store.ok());
    // Ten events with content, one checkpoint over event 10.
    auto records = (*store)->Append(Requests(10, 1'000'000, "redacted text"), signer_.get());
    ASSERT_TRUE(records.ok());
    records_ = *records;
  }

  VerifyReport VerifyTrail(const std::vector<std::string>& trusted = {}) {
    auto store = OpenSqliteStore(path_, /*read_only=*/true);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return {};
    auto report = Verify(**store, trusted);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerifyReport{};
  }

  // Asserts the report names exactly one problem, `kind` at `seq`.
  static void ExpectOnly(const VerifyReport& report, const std::string& kind, int64_t seq) {
    EXPECT_FALSE(report.ok());
    ASSERT_EQ(report.problems.size(), 1u) << VerifyReportJson(report);
    EXPECT_EQ(report.problems[0].kind, kind) << report.problems[0].detail;
    EXPECT_EQ(report.problems[0].seq, seq) << report.problems[0].detail;
    EXPECT_FALSE(report.problems[0].detail.empty());
  }

  // Moves the rows from `from` on by `by` (the primary key forbids doing it in one step).
  void Renumber(int64_t from, int64_t by) {
    RawSql(path_, "UPDATE audit_events SET seq = -(seq + " + std::to_string(by) +
                      ") WHERE seq >= " + std::to_string(from) +
                      "; UPDATE audit_events SET seq = -seq WHERE seq < 0;");
  }

  void InsertRow(int64_t seq, const std::string& event, const std::string& prev,
                 const std::string& hash) {
    RawSql(path_, "INSERT INTO audit_events VALUES (" + std::to_string(seq) +
                      ", 1000500, 'request', 'forged', '" + event + "', NULL, '" + prev + "', '" +
                      hash + "')");
  }

  TempDir dir_{"bastion_audit_verify_"};
  std::string path_ = (dir_ / "audit.db").string();
  std::unique_ptr<Signer> signer_;
  std::vector<Record> records_;
};

TEST_F(VerifyTest, UntouchedTrailVerifies) {
  VerifyReport report = VerifyTrail({signer_->public_key()});
  EXPECT_TRUE(report.ok()) << VerifyReportJson(report);
  EXPECT_EQ(report.events, 10);
  EXPECT_EQ(report.first_seq, 1);
  EXPECT_EQ(report.last_seq, 10);
  EXPECT_EQ(report.checkpoints, 1);
  EXPECT_EQ(report.last_signed_seq, 10);
  EXPECT_EQ(report.unsigned_tail, 0);
  EXPECT_EQ(report.signers, std::vector<std::string>{signer_->public_key()});

  auto store = OpenSqliteStore(path_);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Append(Requests(2, 2'000'000), nullptr).ok());
  report = VerifyTrail();
  EXPECT_TRUE(report.ok()) << VerifyReportJson(report);
  EXPECT_EQ(report.last_signed_seq, 10);
  EXPECT_EQ(report.unsigned_tail, 2);
}

TEST_F(VerifyTest, EmptyTrailVerifies) {
  TempDir other("bastion_audit_verify_empty_");
  auto store = OpenSqliteStore((other / "audit.db").string());
  ASSERT_TRUE(store.ok());
  auto report = Verify(**store, {});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->events, 0);
  EXPECT_EQ(report->unsigned_tail, 0);
}

TEST_F(VerifyTest, DeletedEvent) {
  RawSql(path_, "DELETE FROM audit_events WHERE seq = 4");
  ExpectOnly(VerifyTrail(), "deleted", 4);
}

TEST_F(VerifyTest, DeletedEventsWithRenumbering) {
  RawSql(path_, "DELETE FROM audit_events WHERE seq IN (4, 5)");
  Renumber(6, -2);
  VerifyReport report = VerifyTrail();
  ExpectOnly(report, "deleted", 4);
  EXPECT_EQ(report.problems[0].detail, "events 4 to 5 are missing");
}

TEST_F(VerifyTest, DeletedFirstEvent) {
  RawSql(path_, "DELETE FROM audit_events WHERE seq = 1");
  ExpectOnly(VerifyTrail(), "deleted", 1);
}

TEST_F(VerifyTest, AlteredEvent) {
  RawSql(path_,
         "UPDATE audit_events SET event = replace(event, '\"status\":200', '\"status\":403') "
         "WHERE seq = 4");
  ExpectOnly(VerifyTrail(), "altered", 4);
}

TEST_F(VerifyTest, AlteredAndRehashedEventBreaksTheNextLink) {
  std::string event = records_[3].event;
  event.replace(event.find("\"status\":200"), 12, "\"status\":403");
  std::string hash = ChainHash(records_[3].prev_hash, 4, event);
  RawSql(path_,
         "UPDATE audit_events SET event = '" + event + "', hash = '" + hash + "' WHERE seq = 4");
  ExpectOnly(VerifyTrail(), "altered", 4);
}

TEST_F(VerifyTest, AlteredAndRehashedLastEventIsCaughtByTheCheckpoint) {
  std::string event = records_[9].event;
  event.replace(event.find("\"status\":200"), 12, "\"status\":403");
  std::string hash = ChainHash(records_[9].prev_hash, 10, event);
  RawSql(path_,
         "UPDATE audit_events SET event = '" + event + "', hash = '" + hash + "' WHERE seq = 10");
  VerifyReport report = VerifyTrail();
  ExpectOnly(report, "altered", 10);
  EXPECT_EQ(report.last_signed_seq, 0);
}

TEST_F(VerifyTest, InsertedEventWithRenumbering) {
  Renumber(4, 1);
  std::string event = R"({"v":1,"kind":"request","status":200})";
  InsertRow(4, event, records_[2].hash, ChainHash(records_[2].hash, 4, event));
  VerifyReport report = VerifyTrail();
  ExpectOnly(report, "inserted", 4);
  EXPECT_EQ(report.events, 11);
}

TEST_F(VerifyTest, InsertedEventWithoutAValidHash) {
  Renumber(4, 1);
  InsertRow(4, R"({"v":1,"kind":"request","status":200})", records_[2].hash, std::string(64, 'f'));
  ExpectOnly(VerifyTrail(), "inserted", 4);
}

TEST_F(VerifyTest, ReorderedEvents) {
  RawSql(path_,
         "UPDATE audit_events SET seq = -1 WHERE seq = 4; "
         "UPDATE audit_events SET seq = 4 WHERE seq = 5; "
         "UPDATE audit_events SET seq = 5 WHERE seq = -1;");
  ExpectOnly(VerifyTrail(), "reordered", 4);
}

TEST_F(VerifyTest, ReorderedEventsFarApart) {
  RawSql(path_,
         "UPDATE audit_events SET seq = -1 WHERE seq = 3; "
         "UPDATE audit_events SET seq = 3 WHERE seq = 7; "
         "UPDATE audit_events SET seq = 7 WHERE seq = -1;");
  VerifyReport report = VerifyTrail();
  ASSERT_FALSE(report.ok());
  for (const Problem& p : report.problems) EXPECT_EQ(p.kind, "reordered") << p.detail;
  EXPECT_EQ(report.problems[0].seq, 3);
  EXPECT_LE(report.problems.size(), 2u) << VerifyReportJson(report);
}

TEST_F(VerifyTest, AlteredContent) {
  RawSql(path_, "UPDATE audit_events SET content = 'other text' WHERE seq = 4");
  ExpectOnly(VerifyTrail(), "content_altered", 4);
}

TEST_F(VerifyTest, ErasedContentIsNotAProblem) {
  RawSql(path_, "UPDATE audit_events SET content = NULL WHERE seq <= 4");
  EXPECT_TRUE(VerifyTrail().ok());
}

TEST_F(VerifyTest, TruncatedTail) {
  RawSql(path_, "DELETE FROM audit_events WHERE seq > 8");
  VerifyReport report = VerifyTrail();
  ExpectOnly(report, "truncated", 9);
  EXPECT_EQ(report.last_seq, 8);
}

TEST_F(VerifyTest, ForgedCheckpointSignature) {
  RawSql(path_,
         "UPDATE audit_checkpoints SET signature = "
         "substr(signature, 1, 10) || (CASE substr(signature, 11, 1) WHEN '0' THEN '1' ELSE '0' "
         "END) || substr(signature, 12) WHERE seq = 10");
  VerifyReport report = VerifyTrail();
  ExpectOnly(report, "bad_checkpoint", 10);
  EXPECT_EQ(report.last_signed_seq, 0);
  EXPECT_EQ(report.unsigned_tail, 10);
}

TEST_F(VerifyTest, CheckpointByUntrustedKey) {
  auto stranger = Signer::LoadOrCreate((dir_ / "stranger.key").string());
  ASSERT_TRUE(stranger.ok());
  {
    auto store = OpenSqliteStore(path_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Append(Requests(2, 2'000'000), stranger->get()).ok());
  }
  VerifyReport report = VerifyTrail({signer_->public_key()});
  ExpectOnly(report, "untrusted_signer", 12);
  EXPECT_EQ(report.last_signed_seq, 10);
  EXPECT_EQ(report.unsigned_tail, 2);

  report = VerifyTrail();  // no trusted keys named: any valid signature counts
  EXPECT_TRUE(report.ok()) << VerifyReportJson(report);
  EXPECT_EQ(report.signers.size(), 2u);
  EXPECT_EQ(report.last_signed_seq, 12);
}

TEST_F(VerifyTest, ReportJson) {
  RawSql(path_, "DELETE FROM audit_events WHERE seq = 4");
  std::string json = VerifyReportJson(VerifyTrail());
  EXPECT_EQ(json,
            "{\"ok\":false,\"events\":9,\"first_seq\":1,\"last_seq\":10,\"checkpoints\":1,"
            "\"last_signed_seq\":10,\"unsigned_tail\":0,\"signers\":[\"" +
                signer_->public_key() +
                "\"],\"problems\":[{\"kind\":\"deleted\",\"seq\":4,\"detail\":\"event 4 is "
                "missing\"}]}");
}

}  // namespace
}  // namespace bastion::audit
