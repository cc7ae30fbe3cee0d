#pragma once
// A prepared SQLite statement with bound parameters, finalized on destruction. Values are
// always bound, never formatted into SQL text.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::auth {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const char* sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& Bind(int index, int64_t value);
  // True while a row is available; false when done. Errors land in status().
  bool Step();
  // Runs a statement that returns no rows.
  Status Run();
  // Makes the statement ready to run again, with no values bound and no error from the last
  // run (one prepared INSERT for many rows). A statement that failed to prepare stays failed.
  SqliteStatement& Reset();
  std::string Text(int column) const;
  int64_t Int(int column) const;
  const Status& status() const { return status_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

}  // namespace bastion::auth
