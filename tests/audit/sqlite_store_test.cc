#include <gtest/gtest.h>
#include <sys/stat.h>

#include "audit/chain.h"
#include "audit/store.h"
#include "audit_test_util.h"
#include "common/temp_dir.h"

namespace bastion::audit {
namespace {

using bastion::testing::TempDir;
using testing::AllCheckpoints;
using testing::AllRecords;
using testing::RawSql;
using testing::RequestAt;
using testing::Requests;

std::unique_ptr<Store> OpenOrDie(const std::string& path, bool read_only = false) {
  auto store = OpenSqliteStore(path, read_only);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

std::vector<int64_t> Seqs(Store& store, const Query& q) {
  std::vector<int64_t> seqs;
  Status st = store.Scan(q, [&](const Record& r) {
    seqs.push_back(r.seq);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return seqs;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  TempDir dir_{"bastion_audit_store_"};
  std::string path_ = (dir_ / "data" / "audit.db").string();
};

TEST_F(SqliteStoreTest, EmptyTrailHasGenesisHead) {
  auto store = OpenOrDie(path_);
  ASSERT_TRUE(store);
  auto head = store->Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->first, 0);
  EXPECT_EQ(head->second, kGenesisHash);
  EXPECT_TRUE(AllRecords(*store).empty());
  EXPECT_EQ(store->Describe(), "sqlite:" + path_);
}

TEST_F(SqliteStoreTest, AppendChainsAndScanReturnsRecordsAsStored) {
  auto store = OpenOrDie(path_);
  ASSERT_TRUE(store);
  auto first = store->Append(Requests(2), nullptr);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = store->Append({RequestAt(5'000'000, "r3", "sealed:v1:abc")}, nullptr);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].seq, 1);
  EXPECT_EQ((*first)[0].prev_hash, kGenesisHash);
  EXPECT_EQ((*second)[0].seq, 3);
  EXPECT_EQ((*second)[0].prev_hash, (*first)[1].hash);

  std::vector<Record> all = AllRecords(*store);
  ASSERT_EQ(all.size(), 3u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(all[i].seq, (*first)[i].seq);
    EXPECT_EQ(all[i].event, (*first)[i].event);
    EXPECT_EQ(all[i].hash, ChainHash(all[i].prev_hash, all[i].seq, all[i].event));
    EXPECT_EQ(all[i].content, "");
  }
  EXPECT_EQ(all[2].content, "sealed:v1:abc");
  EXPECT_EQ(all[2].request_id, "r3");
  EXPECT_EQ(all[2].kind, "request");
  EXPECT_EQ(all[2].time_ms, 5'000'000);
  auto head = store->Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->first, 3);
  EXPECT_EQ(head->second, all[2].hash);
}

TEST_F(SqliteStoreTest, QueriesFilterOrderAndLimit) {
  auto store = OpenOrDie(path_);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append(Requests(6, 1000), nullptr).ok());  // times 1000..6000
  PendingRecord other = RequestAt(7000, "r2");
  other.kind = "purge";
  ASSERT_TRUE(store->Append({other}, nullptr).ok());

  EXPECT_EQ(Seqs(*store, {}), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  Query q;
  q.newest_first = true;
  q.limit = 3;
  EXPECT_EQ(Seqs(*store, q), (std::vector<int64_t>{7, 6, 5}));
  q = {};
  q.from_seq = 5;
  EXPECT_EQ(Seqs(*store, q), (std::vector<int64_t>{5, 6, 7}));
  q = {};
  q.since_ms = 2000;
  q.until_ms = 4000;
  EXPECT_EQ(Seqs(*store, q), (std::vector<int64_t>{2, 3}));
  q = {};
  q.request_id = "r2";
  EXPECT_EQ(Seqs(*store, q), (std::vector<int64_t>{2, 7}));
  q.kind = "request";
  EXPECT_EQ(Seqs(*store, q), (std::vector<int64_t>{2}));
  q = {};
  q.kind = "purge";
  EXPECT_EQ(Seqs(*store, q), (std::vector<int64_t>{7}));

  int seen = 0;
  Status st = store->Scan({}, [&](const Record&) { return ++seen < 2; });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(seen, 2);
}

TEST_F(SqliteStoreTest, CheckpointSignsTheNewHead) {
  TempDir keys("bastion_audit_store_keys_");
  auto signer = Signer::LoadOrCreate((keys / "s.key").string());
  ASSERT_TRUE(signer.ok());
  auto store = OpenOrDie(path_);
  ASSERT_TRUE(store);
  auto records = store->Append(Requests(3), signer->get());
  ASSERT_TRUE(records.ok());
  std::vector<Checkpoint> checkpoints = AllCheckpoints(*store);
  ASSERT_EQ(checkpoints.size(), 1u);
  EXPECT_EQ(checkpoints[0].seq, 3);
  EXPECT_EQ(checkpoints[0].hash, records->back().hash);
  EXPECT_EQ(checkpoints[0].signer, (*signer)->public_key());
  EXPECT_TRUE(CheckpointSignatureValid(checkpoints[0]));
  // An empty batch with a signer signs the current head again.
  ASSERT_TRUE(store->Append({}, signer->get()).ok());
  EXPECT_EQ(AllCheckpoints(*store).size(), 1u);
  ASSERT_TRUE(store->Append(Requests(1), nullptr).ok());
  ASSERT_TRUE(store->Append({}, signer->get()).ok());
  checkpoints = AllCheckpoints(*store);
  ASSERT_EQ(checkpoints.size(), 2u);
  EXPECT_EQ(checkpoints[1].seq, 4);
}

TEST_F(SqliteStoreTest, SurvivesReopenAndFilesArePrivate) {
  std::vector<Record> written;
  {
    auto store = OpenOrDie(path_);
    ASSERT_TRUE(store);
    auto records = store->Append(Requests(4), nullptr);
    ASSERT_TRUE(records.ok());
    written = *records;
    struct stat info {};
    ASSERT_EQ(::stat(path_.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((path_ + "-wal").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((dir_ / "data").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700u);
  }
  auto store = OpenOrDie(path_);
  ASSERT_TRUE(store);
  std::vector<Record> read = AllRecords(*store);
  ASSERT_EQ(read.size(), written.size());
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].hash, written[i].hash);
    EXPECT_EQ(read[i].event, written[i].event);
  }
  auto more = store->Append(Requests(1), nullptr);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ((*more)[0].seq, 5);
  EXPECT_EQ((*more)[0].prev_hash, written.back().hash);
}

TEST_F(SqliteStoreTest, ReadOnlyOpen) {
  auto missing = OpenSqliteStore(path_, /*read_only=*/true);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "no audit trail at " + path_);
  EXPECT_FALSE(std::filesystem::exists(path_));

  {
    auto store = OpenOrDie(path_);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Append(Requests(2), nullptr).ok());
  }
  auto reader = OpenOrDie(path_, /*read_only=*/true);
  ASSERT_TRUE(reader);
  EXPECT_EQ(AllRecords(*reader).size(), 2u);
  EXPECT_FALSE(reader->Append(Requests(1), nullptr).ok());
  EXPECT_EQ(AllRecords(*reader).size(), 2u);

  dir_.Write("other.db", "");
  auto not_ours = OpenSqliteStore((dir_ / "other.db").string(), /*read_only=*/true);
  ASSERT_FALSE(not_ours.ok());
  EXPECT_NE(not_ours.status().message().find("not a bastion audit trail"), std::string::npos);
}

TEST_F(SqliteStoreTest, FailedAppendStoresNothing) {
  auto store = OpenOrDie(path_);
  ASSERT_TRUE(store);
  auto before = store->Append(Requests(2), nullptr);
  ASSERT_TRUE(before.ok());
  RawSql(path_,
         "CREATE TRIGGER refuse BEFORE INSERT ON audit_events WHEN NEW.request_id = 'boom' "
         "BEGIN SELECT RAISE(ABORT, 'refused'); END;");
  TempDir keys("bastion_audit_store_keys_");
  auto signer = Signer::LoadOrCreate((keys / "s.key").string());
  ASSERT_TRUE(signer.ok());
  auto failed = store->Append({RequestAt(1, "fine"), RequestAt(2, "boom")}, signer->get());
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("refused"), std::string::npos);
  std::vector<Record> all = AllRecords(*store);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(AllCheckpoints(*store).empty());
  auto head = store->Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->first, 2);

  auto after = store->Append({RequestAt(3, "fine")}, nullptr);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ((*after)[0].seq, 3);
  EXPECT_EQ((*after)[0].prev_hash, before->back().hash);
}

TEST_F(SqliteStoreTest, OpenStoreChoosesByUrl) {
  auto sqlite = OpenStore("", (dir_ / "d").string());
  ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
  EXPECT_EQ((*sqlite)->Describe(), "sqlite:" + (dir_ / "d" / "audit.db").string());
  EXPECT_TRUE(std::filesystem::exists(dir_ / "d" / "audit.db"));
  auto missing = OpenStore("", (dir_ / "e").string(), /*read_only=*/true);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto bad = OpenStore("mysql://x/y", (dir_ / "d").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace bastion::audit
