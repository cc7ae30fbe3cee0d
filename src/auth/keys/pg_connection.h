#pragma once
// One libpq connection to PostgreSQL, for the key store. Every statement goes through
// PQexecParams with its values as separate parameters ($1, $2, ...), never formatted into SQL.
// A broken connection is reset once before a statement outside a transaction, so a database
// restart costs one failed call at most. Messages name the server as host:port/db and never
// carry the password, even when libpq's own text would.
//
// Not thread-safe: one PgConnection per thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

struct pg_conn;
struct pg_result;

namespace bastion::auth {

// The rows a statement returned; valid as long as the PgRows lives.
class PgRows {
 public:
  explicit PgRows(pg_result* result);
  int size() const;
  std::string Text(int row, int column) const;
  int64_t Int(int row, int column) const;
  int64_t affected() const;  // rows an UPDATE or INSERT changed

 private:
  struct Clear {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

// What a connection is for, as its messages name it.
struct PgPurpose {
  std::string what = "PostgreSQL key store";   // "cannot reach the <what> at host:port/db"
  std::string setting = "auth.key_store_url";  // the config key the URL came from
};

class PgConnection {
 public:
  // `url`: postgresql://[user[:password]@]host[:port]/db[?...]. Unavailable when the server
  // cannot be reached; InvalidArgument when the URL does not parse.
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& url,
                                                       const PgPurpose& purpose = {});
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Result<PgRows> Exec(const char* sql, const std::vector<std::string>& params = {});
  // Runs `body` between BEGIN and COMMIT, or ROLLBACK when it fails; returns its status.
  Status Transaction(const std::function<Status()>& body);
  // host:port/db, for messages.
  const std::string& server() const { return server_; }

 private:
  PgConnection(pg_conn* conn, std::string server, std::vector<std::string> secrets,
               std::string what);
  Status Reconnect();
  Result<PgRows> ExecOnce(const char* sql, const std::vector<std::string>& params);
  std::string Scrub(std::string message) const;

  pg_conn* conn_;
  std::string server_;
  std::vector<std::string> secrets_;  // the password as written and as decoded
  std::string what_;                  // PgPurpose::what
  bool in_transaction_ = false;
};

}  // namespace bastion::auth
