#pragma once
// Helpers for the audit trail's tests: events to append, and raw SQL on a trail's file, the way
// someone with access to the disk would tamper with it.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "audit/event.h"
#include "audit/record.h"
#include "audit/store.h"

namespace bastion::audit::testing {

// A request event at `time_ms`, with `content` stored beside it when not empty.
inline PendingRecord RequestAt(int64_t time_ms, const std::string& request_id,
                               const std::string& content = "") {
  Event e;
  e.time_ms = time_ms;
  e.request_id = request_id;
  e.subject = "key:test";
  e.method = "POST";
  e.route = "/v1/chat/completions";
  e.model = "r1-distill";
  e.status = 200;
  e.outcome = "completed";
  e.content_policy = content.empty() ? "none" : "redacted";
  return ToRecord(e, content);
}

// `n` requests, one a second from `start_ms`, request ids "r1", "r2"...
inline std::vector<PendingRecord> Requests(int n, int64_t start_ms = 1'000'000,
                                           const std::string& content = "") {
  std::vector<PendingRecord> batch;
  for (int i = 0; i < n; ++i) {
    batch.push_back(RequestAt(start_ms + 1000 * i, "r" + std::to_string(i + 1), content));
  }
  return batch;
}

// Runs `sql` on the database file at `path` through a connection of its own.
inline void RawSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message << " in " << sql;
}

// Every record of `store`, oldest first.
inline std::vector<Record> AllRecords(Store& store) {
  std::vector<Record> out;
  Status st = store.Scan({}, [&](const Record& r) {
    out.push_back(r);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

inline std::vector<Checkpoint> AllCheckpoints(Store& store) {
  std::vector<Checkpoint> out;
  Status st = store.ScanCheckpoints([&](const Checkpoint& c) {
    out.push_back(c);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

}  // namespace bastion::audit::testing
