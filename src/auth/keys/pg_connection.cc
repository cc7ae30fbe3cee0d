#include "auth/keys/pg_connection.h"

#include <postgresql/libpq-fe.h>

#include <cstdlib>

namespace bastion::auth {
namespace {

// The password as written in the URL (percent-escaped), found without libpq so that even a
// URL libpq rejects can be kept out of messages.
std::string RawPassword(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  size_t at = authority.rfind('@');
  if (at == std::string::npos) return "";
  size_t colon = authority.find(':');
  if (colon == std::string::npos || colon > at) return "";
  return authority.substr(colon + 1, at - colon - 1);
}

std::string WithoutSecret(std::string message, const std::string& secret) {
  if (secret.empty()) return message;
  for (size_t at; (at = message.find(secret)) != std::string::npos;) {
    message.replace(at, secret.size(), "***");
  }
  return message;
}

struct ParsedUrl {
  std::string server;    // host:port/db
  std::string password;  // decoded
};

Result<ParsedUrl> ParseUrl(const std::string& url, const std::string& raw_password,
                           const std::string& setting) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string message = WithoutSecret(error ? error : "out of memory", raw_password);
    PQfreemem(error);
    return Status::InvalidArgument(setting + " is not a PostgreSQL URL: " + message);
  }
  std::string host = "localhost", port = "5432", db;
  ParsedUrl parsed;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    std::string key = o->keyword;
    if (key == "host") host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") db = o->val;
    if (key == "password") parsed.password = o->val;
  }
  PQconninfoFree(options);
  parsed.server = host + ":" + port + "/" + db;
  return parsed;
}

void IgnoreNotice(void*, const char*) {}  // "relation already exists, skipping" and the like

std::string Trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

PgRows::PgRows(pg_result* result) : result_(result) {}
void PgRows::Clear::operator()(pg_result* r) const { PQclear(r); }
int PgRows::size() const { return PQntuples(result_.get()); }
std::string PgRows::Text(int row, int column) const {
  return PQgetvalue(result_.get(), row, column);
}
int64_t PgRows::Int(int row, int column) const {
  return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}
int64_t PgRows::affected() const { return std::strtoll(PQcmdTuples(result_.get()), nullptr, 10); }

PgConnection::PgConnection(pg_conn* conn, std::string server, std::vector<std::string> secrets,
                           std::string what)
    : conn_(conn),
      server_(std::move(server)),
      secrets_(std::move(secrets)),
      what_(std::move(what)) {}

PgConnection::~PgConnection() { PQfinish(conn_); }

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& url,
                                                            const PgPurpose& purpose) {
  std::string raw = RawPassword(url);
  auto parsed = ParseUrl(url, raw, purpose.setting);
  if (!parsed.ok()) return parsed.status();
  std::vector<std::string> secrets;
  for (const std::string& s : {raw, parsed->password}) {
    if (!s.empty()) secrets.push_back(s);
  }
  // Bounds on every wait, so a database that hangs (or a network path that silently drops
  // packets) fails a statement within seconds instead of blocking the key poll and admin
  // writes forever. The URL's own settings, if any, override these (it is expanded last).
  const char* keywords[] = {
      "connect_timeout",  "options",          "keepalives_idle", "keepalives_interval",
      "keepalives_count", "tcp_user_timeout", "dbname",          nullptr};
  const char* values[] = {
      "5", "-c statement_timeout=5000", "30", "10", "3", "15000", url.c_str(), nullptr};
  std::unique_ptr<PgConnection> conn(
      new PgConnection(PQconnectdbParams(keywords, values, /*expand_dbname=*/1), parsed->server,
                       secrets, purpose.what));
  if (conn->conn_ == nullptr) return Status::Internal("libpq: out of memory");
  PQsetNoticeProcessor(conn->conn_, IgnoreNotice, nullptr);
  if (PQstatus(conn->conn_) != CONNECTION_OK) {
    return Status::Unavailable("cannot reach the " + purpose.what + " at " + conn->server_ + ": " +
                               conn->Scrub(Trimmed(PQerrorMessage(conn->conn_))));
  }
  return conn;
}

std::string PgConnection::Scrub(std::string message) const {
  for (const std::string& secret : secrets_) message = WithoutSecret(std::move(message), secret);
  return message;
}

Status PgConnection::Reconnect() {
  PQreset(conn_);
  if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
  return Status::Unavailable("lost the " + what_ + " at " + server_ + ": " +
                             Scrub(Trimmed(PQerrorMessage(conn_))));
}

Result<PgRows> PgConnection::Exec(const char* sql, const std::vector<std::string>& params) {
  // Inside a transaction a reset would silently drop its earlier statements: fail instead.
  if (!in_transaction_ && PQstatus(conn_) != CONNECTION_OK) {
    if (Status st = Reconnect(); !st.ok()) return st;
  }
  auto rows = ExecOnce(sql, params);
  if (rows.ok() || in_transaction_ || PQstatus(conn_) == CONNECTION_OK) return rows;
  // The connection broke under this statement (a server restart): once more on a new one.
  if (Status st = Reconnect(); !st.ok()) return st;
  return ExecOnce(sql, params);
}

Result<PgRows> PgConnection::ExecOnce(const char* sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  PGresult* result = PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, /*resultFormat=text*/ 0);
  PgRows rows(result);
  ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return rows;
  std::string message = Scrub(Trimmed(result ? PQresultErrorMessage(result) : ""));
  if (message.empty()) message = Scrub(Trimmed(PQerrorMessage(conn_)));
  message = what_ + " at " + server_ + ": " + message;
  if (PQstatus(conn_) != CONNECTION_OK) return Status::Unavailable(message);
  return Status::IoError(message);
}

Status PgConnection::Transaction(const std::function<Status()>& body) {
  if (auto begin = Exec("BEGIN"); !begin.ok()) return begin.status();
  in_transaction_ = true;
  Status st = body();
  auto end = Exec(st.ok() ? "COMMIT" : "ROLLBACK");
  in_transaction_ = false;
  if (st.ok() && !end.ok()) return end.status();
  return st;
}

}  // namespace bastion::auth
