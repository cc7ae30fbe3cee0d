// The PostgreSQL audit store: records chain across batches and across gateways sharing one
// database, scans page through any length, a failed append stores nothing and never shows the
// password, and a purge removes a prefix, erases content and records itself. Runs against a
// throwaway server and skips when PostgreSQL is not installed.
#include <gtest/gtest.h>
#include <postgresql/libpq-fe.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "audit/chain.h"
#include "audit/purge_event.h"
#include "audit/signer.h"
#include "audit/store.h"
#include "common/postgres_server.h"
#include "common/temp_dir.h"

namespace bastion::audit {
namespace {

// As written in the URL (percent-escaped) and as the server would see it.
constexpr const char* kEscapedPassword = "Aud1t-p%40ss";
constexpr const char* kPassword = "Aud1t-p@ss";

// One PostgreSQL server for the tests that keep it running, started on first use.
testing::PostgresServer& SharedPostgres(Status* started) {
  static testing::PostgresServer server;
  static Status status = server.Start();
  *started = status;
  return server;
}

void DropAuditTables(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PQclear(PQexec(conn, "DROP TABLE IF EXISTS audit_events, audit_checkpoints"));
  PQfinish(conn);
}

PendingRecord Pending(int64_t time_ms, std::string request_id, std::string content = "",
                      std::string kind = "request") {
  PendingRecord p;
  p.time_ms = time_ms;
  p.kind = std::move(kind);
  p.request_id = std::move(request_id);
  p.event = R"({"v":1,"kind":")" + p.kind + R"(","request_id":")" + p.request_id +
            R"(","time_ms":)" + std::to_string(time_ms) + "}";
  p.content = std::move(content);
  return p;
}

std::vector<Record> ScanAll(Store& store, const Query& q = {}) {
  std::vector<Record> out;
  Status st = store.Scan(q, [&](const Record& r) {
    out.push_back(r);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return out;
}

std::vector<int64_t> Seqs(const std::vector<Record>& records) {
  std::vector<int64_t> seqs;
  for (const Record& r : records) seqs.push_back(r.seq);
  return seqs;
}

std::vector<int64_t> Range(int64_t first, int64_t last) {
  std::vector<int64_t> seqs;
  for (int64_t s = first; first <= last ? s <= last : s >= last; s += first <= last ? 1 : -1) {
    seqs.push_back(s);
  }
  return seqs;
}

std::vector<Checkpoint> Checkpoints(Store& store) {
  std::vector<Checkpoint> out;
  Status st = store.ScanCheckpoints([&](const Checkpoint& c) {
    out.push_back(c);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return out;
}

// Consecutive seqs after `prev_seq`, each hash its own, each link naming the record before.
void ExpectChained(const std::vector<Record>& records, int64_t prev_seq, std::string prev_hash) {
  for (const Record& r : records) {
    ASSERT_EQ(r.seq, prev_seq + 1);
    ASSERT_EQ(r.prev_hash, prev_hash) << "seq " << r.seq;
    ASSERT_EQ(r.hash, ChainHash(r.prev_hash, r.seq, r.event)) << "seq " << r.seq;
    prev_seq = r.seq;
    prev_hash = r.hash;
  }
}

void ExpectSame(const Record& a, const Record& b) {
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.time_ms, b.time_ms);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.request_id, b.request_id);
  EXPECT_EQ(a.event, b.event);
  EXPECT_EQ(a.content, b.content);
  EXPECT_EQ(a.prev_hash, b.prev_hash);
  EXPECT_EQ(a.hash, b.hash);
}

std::unique_ptr<Store> OpenOrFail(const std::string& url) {
  auto store = OpenPostgresStore(url);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(*store) : nullptr;
}

std::unique_ptr<Signer> MakeSigner(const testing::TempDir& dir) {
  auto signer = Signer::LoadOrCreate((dir / "checkpoint.key").string());
  EXPECT_TRUE(signer.ok()) << signer.status().message();
  return signer.ok() ? std::move(*signer) : nullptr;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started;
    testing::PostgresServer& server = SharedPostgres(&started);
    if (started.code() == StatusCode::kNotFound) GTEST_SKIP() << started.message();
    ASSERT_TRUE(started.ok()) << started.message();
    url_ = server.url(kEscapedPassword);
    port_ = server.port();
    DropAuditTables(url_);
    signer_ = MakeSigner(dir_);
    ASSERT_TRUE(signer_);
    store_ = OpenOrFail(url_);
    ASSERT_TRUE(store_);
  }

  std::vector<Record> Append(std::vector<PendingRecord> batch, bool sign = false) {
    auto stored = store_->Append(std::move(batch), sign ? signer_.get() : nullptr);
    EXPECT_TRUE(stored.ok()) << stored.status().message();
    return stored.ok() ? std::move(*stored) : std::vector<Record>{};
  }

  std::string url_;
  uint16_t port_ = 0;
  testing::TempDir dir_{"postgres-audit-store"};
  std::unique_ptr<Signer> signer_;
  std::unique_ptr<Store> store_;
};

TEST_F(PostgresStoreTest, AppendsChainedRecordsAndSignsTheHead) {
  EXPECT_EQ(store_->Describe(), "postgresql://127.0.0.1:" + std::to_string(port_) + "/postgres");
  auto empty = store_->Head();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, std::make_pair(int64_t{0}, kGenesisHash));

  std::vector<Record> first = Append({Pending(1, "a"), Pending(2, "b"), Pending(3, "c")}, true);
  ASSERT_EQ(first.size(), 3u);
  ExpectChained(first, 0, kGenesisHash);
  std::vector<Record> second = Append({Pending(4, "d", "sealed:v1:xyz"), Pending(5, "e")});
  ASSERT_EQ(second.size(), 2u);
  ExpectChained(second, 3, first.back().hash);

  auto head = store_->Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, std::make_pair(int64_t{5}, second.back().hash));
  // Another connection, as another gateway or the CLI, reads the same trail.
  auto other = OpenOrFail(url_);
  ASSERT_TRUE(other);
  std::vector<Record> stored = ScanAll(*other);
  ASSERT_EQ(stored.size(), 5u);
  first.insert(first.end(), second.begin(), second.end());
  for (size_t i = 0; i < stored.size(); ++i) ExpectSame(stored[i], first[i]);

  std::vector<Checkpoint> checkpoints = Checkpoints(*other);
  ASSERT_EQ(checkpoints.size(), 1u);
  EXPECT_EQ(checkpoints[0].seq, 3);
  EXPECT_EQ(checkpoints[0].hash, first[2].hash);
  EXPECT_EQ(checkpoints[0].signer, signer_->public_key());
  EXPECT_TRUE(CheckpointSignatureValid(checkpoints[0]));
}

TEST_F(PostgresStoreTest, AnEmptyAppendWithASignerSignsTheCurrentHead) {
  EXPECT_TRUE(Append({}, true).empty());
  EXPECT_TRUE(Checkpoints(*store_).empty());  // nothing to sign yet
  std::vector<Record> stored = Append({Pending(1, "a")});
  EXPECT_TRUE(Append({}, true).empty());
  EXPECT_TRUE(Append({}, true).empty());  // the head's checkpoint is kept, not doubled
  std::vector<Checkpoint> checkpoints = Checkpoints(*store_);
  ASSERT_EQ(checkpoints.size(), 1u);
  EXPECT_EQ(checkpoints[0].seq, 1);
  EXPECT_EQ(checkpoints[0].hash, stored[0].hash);
  EXPECT_TRUE(CheckpointSignatureValid(checkpoints[0]));
}

TEST_F(PostgresStoreTest, StoresAnyTextAsWritten) {
  const std::vector<std::string> texts = {"plain",       R"(quote " and backslash \ and \" both)",
                                          "{a,b},{c}",   "NULL",
                                          "null",        "line\nbreak\ttab\r",
                                          " spaced ",    "żółw 🐢 ☃",
                                          "'single'",    std::string(100'000, 'x') + "\\\"",
                                          "sealed:v1:=", ","};
  std::vector<PendingRecord> batch;
  for (const std::string& t : texts) batch.push_back(Pending(7, t, t, t));
  std::vector<Record> appended = Append(std::move(batch));
  std::vector<Record> stored = ScanAll(*store_);
  ASSERT_EQ(stored.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(stored[i].content, texts[i]);
    EXPECT_EQ(stored[i].request_id, texts[i]);
    EXPECT_EQ(stored[i].kind, texts[i]);
    ExpectSame(stored[i], appended[i]);
  }
}

TEST_F(PostgresStoreTest, QueriesFilterOrderAndLimitAcrossPages) {
  // 2,500 records in one batch: several INSERTs and several scan pages. Record s has time
  // 1000 + s, request "r<s % 10>", kind "other" for every fifth.
  std::vector<PendingRecord> batch;
  for (int64_t s = 1; s <= 2500; ++s) {
    batch.push_back(
        Pending(1000 + s, "r" + std::to_string(s % 10), "", s % 5 == 0 ? "other" : "request"));
  }
  ASSERT_EQ(Append(std::move(batch)).size(), 2500u);
  std::vector<Record> all = ScanAll(*store_);
  EXPECT_EQ(Seqs(all), Range(1, 2500));
  ExpectChained(all, 0, kGenesisHash);

  Query q;
  q.newest_first = true;
  q.limit = 1500;
  EXPECT_EQ(Seqs(ScanAll(*store_, q)), Range(2500, 1001));
  q = Query{};
  q.from_seq = 2000;
  q.newest_first = true;
  EXPECT_EQ(Seqs(ScanAll(*store_, q)), Range(2500, 2000));
  q = Query{};
  q.from_seq = 2400;
  EXPECT_EQ(Seqs(ScanAll(*store_, q)), Range(2400, 2500));
  q = Query{};
  q.since_ms = 1100;
  q.until_ms = 1200;
  EXPECT_EQ(Seqs(ScanAll(*store_, q)), Range(100, 199));

  q = Query{};
  q.kind = "other";
  std::vector<Record> other = ScanAll(*store_, q);
  ASSERT_EQ(other.size(), 500u);
  for (const Record& r : other) EXPECT_EQ(r.seq % 5, 0);
  q.request_id = "r5";
  q.limit = 3;
  q.newest_first = true;
  EXPECT_EQ(Seqs(ScanAll(*store_, q)), (std::vector<int64_t>{2495, 2485, 2475}));

  int seen = 0;
  ASSERT_TRUE(store_->Scan(Query{}, [&](const Record&) { return ++seen < 3; }).ok());
  EXPECT_EQ(seen, 3);
}

TEST_F(PostgresStoreTest, TwoGatewaysAppendingAtOnceFormOneChain) {
  DropAuditTables(url_);  // both gateways create the schema, at once
  constexpr int kBatches = 40, kBatchSize = 5;
  std::vector<Record> returned[2];
  std::thread gateways[2];
  for (int g = 0; g < 2; ++g) {
    gateways[g] = std::thread([&, g] {
      auto store = OpenOrFail(url_);
      if (!store) return;
      for (int b = 0; b < kBatches; ++b) {
        std::vector<PendingRecord> batch;
        for (int i = 0; i < kBatchSize; ++i) {
          batch.push_back(Pending(b, std::to_string(g) + "-" + std::to_string(b * kBatchSize + i)));
        }
        auto stored = store->Append(std::move(batch), b % 10 == 9 ? signer_.get() : nullptr);
        ASSERT_TRUE(stored.ok()) << stored.status().message();
        // A batch takes consecutive places in the chain.
        EXPECT_EQ(stored->back().seq - stored->front().seq, kBatchSize - 1);
        returned[g].insert(returned[g].end(), stored->begin(), stored->end());
      }
    });
  }
  for (std::thread& t : gateways) t.join();

  std::vector<Record> all = ScanAll(*store_);
  ASSERT_EQ(all.size(), size_t{2 * kBatches * kBatchSize});
  ExpectChained(all, 0, kGenesisHash);
  std::set<std::string> requests;
  for (const Record& r : all) requests.insert(r.request_id);
  EXPECT_EQ(requests.size(), all.size());
  for (const auto& records : returned) {
    ASSERT_EQ(records.size(), size_t{kBatches * kBatchSize});
    for (const Record& r : records) ExpectSame(r, all[r.seq - 1]);
  }
  std::vector<Checkpoint> checkpoints = Checkpoints(*store_);
  EXPECT_EQ(checkpoints.size(), 2u * (kBatches / 10));
  for (const Checkpoint& c : checkpoints) {
    EXPECT_EQ(c.hash, all[c.seq - 1].hash);
    EXPECT_TRUE(CheckpointSignatureValid(c));
  }
}

TEST_F(PostgresStoreTest, AFailedAppendStoresNothingOfItsBatch) {
  Append({Pending(1, "a")});
  // The bad record sits in the second INSERT of the batch: the first one's rows go too.
  std::vector<PendingRecord> batch;
  for (int i = 0; i < 1500; ++i) batch.push_back(Pending(2, "b"));
  batch[1200].event = "\xff\xfe not UTF-8";
  auto failed = store_->Append(std::move(batch), signer_.get());
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("127.0.0.1:" + std::to_string(port_)), std::string::npos)
      << failed.status().message();
  EXPECT_EQ(ScanAll(*store_).size(), 1u);
  EXPECT_TRUE(Checkpoints(*store_).empty());
  // The connection is still usable, and the chain goes on from where it was.
  std::vector<Record> next = Append({Pending(3, "c")});
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].seq, 2);
}

// Records 1..9, with a checkpoint over 2, 5 and 9. Record 5 is older than record 4 (clocks of
// two gateways), so a prefix purge must stop at 4 and keep it.
std::vector<Record> AppendPurgeFixture(Store& store, const Signer& signer) {
  const int64_t times[] = {1000, 2000, 3000, 8000, 3100, 5000, 6000, 7000, 9000};
  std::vector<Record> all;
  for (auto [begin, end] : {std::pair{0, 2}, std::pair{2, 5}, std::pair{5, 9}}) {
    std::vector<PendingRecord> batch;
    for (int i = begin; i < end; ++i) {
      batch.push_back(Pending(times[i], "r" + std::to_string(i + 1),
                              i == 8 ? "" : "content " + std::to_string(i + 1)));
    }
    auto stored = store.Append(std::move(batch), &signer);
    EXPECT_TRUE(stored.ok()) << stored.status().message();
    if (stored.ok()) all.insert(all.end(), stored->begin(), stored->end());
  }
  return all;
}

PurgePlan Plan() {
  PurgePlan plan;
  plan.now_ms = 20'000;
  plan.metadata_before_ms = 3500;
  plan.content_before_ms = 6500;
  return plan;
}

TEST_F(PostgresStoreTest, ADryRunCountsAndChangesNothing) {
  std::vector<Record> before = AppendPurgeFixture(*store_, *signer_);
  ASSERT_EQ(before.size(), 9u);
  auto report = store_->Purge(Plan(), *signer_, /*dry_run=*/true);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->events_deleted, 3);
  EXPECT_EQ(report->contents_erased, 3);  // 5, 6 and 7
  EXPECT_EQ(report->purged_through_seq, 3);
  EXPECT_EQ(report->purged_through_hash, before[2].hash);
  EXPECT_EQ(report->purge_seq, 0);
  std::vector<Record> after = ScanAll(*store_);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) ExpectSame(after[i], before[i]);
  EXPECT_EQ(Checkpoints(*store_).size(), 3u);
}

TEST_F(PostgresStoreTest, APurgeDeletesThePrefixErasesContentAndRecordsItself) {
  std::vector<Record> before = AppendPurgeFixture(*store_, *signer_);
  ASSERT_EQ(before.size(), 9u);
  auto report = store_->Purge(Plan(), *signer_, /*dry_run=*/false);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->events_deleted, 3);
  EXPECT_EQ(report->contents_erased, 3);
  EXPECT_EQ(report->purged_through_seq, 3);
  EXPECT_EQ(report->purged_through_hash, before[2].hash);
  EXPECT_EQ(report->purge_seq, 10);

  std::vector<Record> after = ScanAll(*store_);
  ASSERT_EQ(Seqs(after), Range(4, 10));
  // The kept records chain from the last deleted one, unchanged but for erased content.
  ExpectChained(after, 3, report->purged_through_hash);
  for (int seq : {4, 8}) EXPECT_EQ(after[seq - 4].content, before[seq - 1].content);
  for (int seq : {5, 6, 7, 9}) EXPECT_EQ(after[seq - 4].content, "") << seq;
  const Record& purge = after.back();
  EXPECT_EQ(purge.kind, "purge");
  EXPECT_EQ(purge.time_ms, 20'000);
  EXPECT_EQ(purge.prev_hash, before[8].hash);
  auto anchor = ParsePurgeAnchor(purge.event);
  ASSERT_TRUE(anchor.has_value());
  EXPECT_EQ(anchor->through_seq, 3);
  EXPECT_EQ(anchor->through_hash, before[2].hash);
  auto head = store_->Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, std::make_pair(int64_t{10}, purge.hash));

  // The checkpoint over 2 went with its records; the purge is signed.
  std::vector<Checkpoint> checkpoints = Checkpoints(*store_);
  ASSERT_EQ(checkpoints.size(), 3u);
  EXPECT_EQ(checkpoints[0].seq, 5);
  EXPECT_EQ(checkpoints[1].seq, 9);
  EXPECT_EQ(checkpoints[2].seq, 10);
  EXPECT_EQ(checkpoints[2].hash, purge.hash);
  EXPECT_EQ(checkpoints[2].time_ms, 20'000);
  EXPECT_TRUE(CheckpointSignatureValid(checkpoints[2]));

  // Again: record 4 is newer than the cutoff, so nothing more goes.
  auto again = store_->Purge(Plan(), *signer_, /*dry_run=*/false);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->events_deleted, 0);
  EXPECT_EQ(again->contents_erased, 0);
  EXPECT_EQ(again->purged_through_seq, 0);
  EXPECT_EQ(again->purge_seq, 11);
  EXPECT_EQ(Seqs(ScanAll(*store_)), Range(4, 11));
}

TEST_F(PostgresStoreTest, PurgingEverythingLeavesThePurgeChainedToTheLastDeleted) {
  std::vector<Record> before = AppendPurgeFixture(*store_, *signer_);
  ASSERT_EQ(before.size(), 9u);
  PurgePlan plan = Plan();
  plan.metadata_before_ms = plan.content_before_ms = 10'000;
  auto report = store_->Purge(plan, *signer_, /*dry_run=*/false);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->events_deleted, 9);
  EXPECT_EQ(report->contents_erased, 0);
  EXPECT_EQ(report->purged_through_seq, 9);
  std::vector<Record> after = ScanAll(*store_);
  ASSERT_EQ(after.size(), 1u);
  ExpectChained(after, 9, before[8].hash);
  ASSERT_EQ(Checkpoints(*store_).size(), 1u);
  // The chain goes on after the purge.
  std::vector<Record> next = Append({Pending(30'000, "later")});
  ASSERT_EQ(next.size(), 1u);
  ExpectChained(next, 10, after[0].hash);
}

// A server of its own, since these stop it.
class PostgresStoreOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = server_.Start();
    if (started.code() == StatusCode::kNotFound) GTEST_SKIP() << started.message();
    ASSERT_TRUE(started.ok()) << started.message();
  }

  // The server's address is in the message, its password in no form.
  void ExpectNamesServerNotPassword(const Status& st) const {
    EXPECT_FALSE(st.ok());
    EXPECT_NE(st.message().find("127.0.0.1:" + std::to_string(server_.port())), std::string::npos)
        << st.message();
    EXPECT_EQ(st.message().find(kPassword), std::string::npos) << st.message();
    EXPECT_EQ(st.message().find(kEscapedPassword), std::string::npos) << st.message();
    EXPECT_EQ(st.message().find("key store"), std::string::npos) << st.message();
  }

  testing::PostgresServer server_;
  testing::TempDir dir_{"postgres-audit-outage"};
};

TEST_F(PostgresStoreOutageTest, AFailedAppendNamesTheServerButNotThePassword) {
  const std::string url = server_.url(kEscapedPassword);
  auto store = OpenOrFail(url);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->Describe().find("Aud1t"), std::string::npos);
  auto signer = MakeSigner(dir_);
  ASSERT_TRUE(signer);
  ASSERT_TRUE(store->Append({Pending(1, "a")}, signer.get()).ok());

  server_.Stop();
  auto failed = store->Append({Pending(2, "b")}, signer.get());
  ExpectNamesServerNotPassword(failed.status());
  ExpectNamesServerNotPassword(store->Head().status());
  ExpectNamesServerNotPassword(OpenPostgresStore(url).status());

  // Back up: the same store reconnects, and the failed batch left nothing behind.
  ASSERT_TRUE(server_.Start().ok());
  auto next = store->Append({Pending(3, "c")}, signer.get());
  ASSERT_TRUE(next.ok()) << next.status().message();
  EXPECT_EQ(next->front().seq, 2);
  EXPECT_EQ(Seqs(ScanAll(*store)), Range(1, 2));
}

TEST(PostgresStoreUrlTest, AnUnparsableUrlIsRejectedWithoutItsPassword) {
  auto store = OpenPostgresStore("postgresql://bastion:" + std::string(kEscapedPassword) +
                                 "@127.0.0.1:notaport/db?nonsense=1");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message().find(kEscapedPassword), std::string::npos)
      << store.status().message();
  EXPECT_EQ(store.status().message().find(kPassword), std::string::npos);
}

}  // namespace
}  // namespace bastion::audit
