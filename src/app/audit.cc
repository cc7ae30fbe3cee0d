// bastion audit verify|export|query|purge|decrypt|keygen: the audit trail from the command
// line, for auditors and SIEM pipelines. Reads the trail the server writes (DATA_DIR/audit.db,
// or audit.store_url in PostgreSQL); only purge writes to it.
#include <simdjson.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.h"
#include "audit/audit_log.h"
#include "audit/content_box.h"
#include "audit/event.h"
#include "audit/key_file.h"
#include "audit/signer.h"
#include "audit/store.h"
#include "audit/verify.h"
#include "common/config.h"
#include "common/duration.h"
#include "common/hex.h"
#include "common/json_writer.h"

namespace bastion::app {
namespace {

struct AuditFlags {
  std::string data_dir = "bastion-data";
  std::string config_file;
  std::string store_url;
  std::vector<std::string> public_keys;
  std::string since, until;
  std::string format = "jsonl";
  std::string request_id, subject, model, outcome, kind;
  int status = 0;
  int64_t limit = 50;
  bool json = false;
  bool with_content = false;
  bool dry_run = false;
  std::string retain_metadata, retain_content;
  std::string secret_key;
  std::string input;
  std::string out = "auditor";
};

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "bastion audit: %s\n", message.c_str());
  return code;
}

// "2026-12-01", "2026-12-01T10:00:00Z" (UTC), or a duration before now ("24h", "7d").
Result<int64_t> ParseTimeArg(const std::string& text) {
  if (auto d = ParseDuration(text); d.ok()) return audit::UnixMillisNow() - d->count();
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) {
    tm = {};
    end = strptime(text.c_str(), "%Y-%m-%d", &tm);
  }
  if (end == nullptr || (*end != '\0' && std::string_view(end) != "Z")) {
    return Status::InvalidArgument("bad time '" + text +
                                   "': use 2026-12-01, 2026-12-01T10:00:00Z or a duration "
                                   "before now such as 24h");
  }
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

// The config the flags describe: --config's, with --data-dir and --store-url over it.
Result<Config> LoadAuditConfig(const AuditFlags& flags) {
  Config config;
  config.server.data_dir = flags.data_dir;
  if (!flags.config_file.empty()) {
    auto loaded = LoadConfigFile(flags.config_file);
    if (!loaded.ok()) return loaded.status();
    config = std::move(*loaded);
  }
  if (!flags.store_url.empty()) config.audit.store_url = flags.store_url;
  return config;
}

Result<std::unique_ptr<audit::Store>> OpenTrail(const Config& c, bool read_only) {
  return audit::OpenStore(c.audit.store_url, c.server.data_dir, read_only);
}

// Applies the time and request-id flags to a query.
Status FillQuery(const AuditFlags& flags, audit::Query& q) {
  if (!flags.since.empty()) {
    auto t = ParseTimeArg(flags.since);
    if (!t.ok()) return t.status();
    q.since_ms = *t;
  }
  if (!flags.until.empty()) {
    auto t = ParseTimeArg(flags.until);
    if (!t.ok()) return t.status();
    q.until_ms = *t;
  }
  q.request_id = flags.request_id;
  q.kind = flags.kind;
  return Status::Ok();
}

// The record as one JSONL line: its place in the chain, then the event's own members.
std::string RecordLine(const audit::Record& r, bool with_content) {
  std::string line = "{\"seq\":" + std::to_string(r.seq) + ",\"prev_hash\":\"" + r.prev_hash +
                     "\",\"hash\":\"" + r.hash + "\",";
  std::string_view event = r.event;
  if (event.size() >= 2 && event.front() == '{') event.remove_prefix(1);
  line.append(event);
  if (with_content && !r.content.empty()) {
    line.pop_back();  // the event's closing brace
    JsonWriter w;
    w.String(r.content);
    line.append(",\"content_data\":").append(w.str()).push_back('}');
  }
  return line;
}

// A --public-key value: 64 hex digits, a gateway's audit-signing.pub, or its audit-signing.key
// (the public key is derived from it).
Result<std::string> TrustedKey(const std::string& arg) {
  if (arg.ends_with(".key")) {
    auto signer = audit::Signer::Load(arg);
    if (!signer.ok()) return signer.status();
    return (*signer)->public_key();
  }
  if (arg.size() == 64 && arg.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
    std::string lower = arg;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
  }
  auto key = audit::ReadKeyFile(arg, "public key");
  if (!key.ok()) return key.status();
  return HexEncode(*key);
}

int Verify(const AuditFlags& flags) {
  auto config = LoadAuditConfig(flags);
  if (!config.ok()) return Fail(kExitUsage, config.status().message());
  std::vector<std::string> trusted;
  for (const std::string& k : flags.public_keys) {
    auto key = TrustedKey(k);
    if (!key.ok()) return Fail(kExitUsage, key.status().message());
    trusted.push_back(std::move(*key));
  }
  if (auto own = audit::Signer::Load(
          audit::AuditLog::SigningKeyPath(config->audit, config->server.data_dir));
      own.ok()) {
    trusted.push_back((*own)->public_key());
  }
  auto store = OpenTrail(*config, true);
  if (!store.ok()) return Fail(kExitUsage, store.status().message());
  auto report = audit::Verify(**store, trusted);
  if (!report.ok()) return Fail(kExitUsage, report.status().message());
  if (flags.json) {
    std::printf("%s\n", audit::VerifyReportJson(*report).c_str());
    return report->ok() ? kExitOk : kExitFailure;
  }
  for (const audit::Problem& p : report->problems) {
    std::printf("%-16s seq %-8lld %s\n", p.kind.c_str(), static_cast<long long>(p.seq),
                p.detail.c_str());
  }
  std::printf(
      "%s: %lld events (seq %lld-%lld), %lld checkpoints, signed through seq %lld, %lld "
      "after it, %zu problems\n",
      report->ok() ? "ok" : "FAILED", static_cast<long long>(report->events),
      static_cast<long long>(report->first_seq), static_cast<long long>(report->last_seq),
      static_cast<long long>(report->checkpoints), static_cast<long long>(report->last_signed_seq),
      static_cast<long long>(report->unsigned_tail), report->problems.size());
  if (trusted.empty()) {
    std::printf(
        "note: no trusted signing key given (--public-key); signatures were checked "
        "against the keys they name\n");
  }
  return report->ok() ? kExitOk : kExitFailure;
}

int Export(const AuditFlags& flags) {
  if (flags.format != "jsonl") return Fail(kExitUsage, "--format must be jsonl");
  auto config = LoadAuditConfig(flags);
  if (!config.ok()) return Fail(kExitUsage, config.status().message());
  audit::Query q;
  if (Status st = FillQuery(flags, q); !st.ok()) return Fail(kExitUsage, st.message());
  auto store = OpenTrail(*config, true);
  if (!store.ok()) return Fail(kExitUsage, store.status().message());
  Status st = (*store)->Scan(q, [&](const audit::Record& r) {
    std::string line = RecordLine(r, flags.with_content);
    line.push_back('\n');
    return std::fwrite(line.data(), 1, line.size(), stdout) == line.size();
  });
  std::fflush(stdout);
  if (!st.ok()) return Fail(kExitFailure, st.message());
  return kExitOk;
}

// Whether the event matches the query's event-level filters.
bool EventMatches(const AuditFlags& flags, simdjson::dom::element e) {
  auto equals = [&](const char* key, const std::string& want) {
    if (want.empty()) return true;
    std::string_view got;
    return e[key].get(got) == simdjson::SUCCESS && got == want;
  };
  int64_t status = 0;
  if (flags.status != 0 && (e["status"].get(status) || status != flags.status)) return false;
  return equals("subject", flags.subject) && equals("model", flags.model) &&
         equals("outcome", flags.outcome);
}

std::string Member(simdjson::dom::element e, const char* key) {
  std::string_view s;
  int64_t n = 0;
  if (e[key].get(s) == simdjson::SUCCESS) return std::string(s);
  if (e[key].get(n) == simdjson::SUCCESS) return std::to_string(n);
  return "-";
}

std::string GuardSummary(simdjson::dom::element e) {
  simdjson::dom::array marks;
  if (e["guard"].get(marks)) return "-";
  std::string out;
  for (simdjson::dom::element m : marks) {
    std::string_view action, rule;
    if (m["action"].get(action) || m["rule"].get(rule)) continue;
    out.append(out.empty() ? "" : ",").append(action).push_back(':');
    out.append(rule);
  }
  return out.empty() ? "-" : out;
}

int Query(const AuditFlags& flags) {
  auto config = LoadAuditConfig(flags);
  if (!config.ok()) return Fail(kExitUsage, config.status().message());
  audit::Query q;
  if (Status st = FillQuery(flags, q); !st.ok()) return Fail(kExitUsage, st.message());
  q.newest_first = true;
  auto store = OpenTrail(*config, true);
  if (!store.ok()) return Fail(kExitUsage, store.status().message());
  simdjson::dom::parser parser;
  int64_t shown = 0;
  if (!flags.json) {
    std::printf("%-8s %-24s %-34s %-22s %-20s %-6s %-10s %s\n", "SEQ", "TIME", "REQUEST", "SUBJECT",
                "MODEL", "STATUS", "OUTCOME", "GUARD");
  }
  Status st = (*store)->Scan(q, [&](const audit::Record& r) {
    simdjson::dom::element e;
    if (parser.parse(r.event).get(e) || !EventMatches(flags, e)) return true;
    if (flags.json) {
      std::printf("%s\n", RecordLine(r, false).c_str());
    } else {
      std::printf("%-8lld %-24s %-34s %-22s %-20s %-6s %-10s %s\n", static_cast<long long>(r.seq),
                  audit::FormatTime(r.time_ms).c_str(),
                  r.request_id.empty() ? r.kind.c_str() : r.request_id.c_str(),
                  Member(e, "subject").c_str(), Member(e, "model").c_str(),
                  Member(e, "status").c_str(), Member(e, "outcome").c_str(),
                  GuardSummary(e).c_str());
    }
    return flags.limit <= 0 || ++shown < flags.limit;
  });
  if (!st.ok()) return Fail(kExitFailure, st.message());
  return kExitOk;
}

int Purge(const AuditFlags& flags) {
  auto config = LoadAuditConfig(flags);
  if (!config.ok()) return Fail(kExitUsage, config.status().message());
  AuditConfig& a = config->audit;
  for (auto [text, out] : {std::pair{&flags.retain_metadata, &a.retain_metadata},
                           std::pair{&flags.retain_content, &a.retain_content}}) {
    if (text->empty()) continue;
    auto d = ParseDuration(*text);
    if (!d.ok()) return Fail(kExitUsage, d.status().message());
    *out = *d;
  }
  if (a.retain_content > a.retain_metadata) a.retain_content = a.retain_metadata;
  auto signer =
      audit::Signer::Load(audit::AuditLog::SigningKeyPath(config->audit, config->server.data_dir));
  if (!signer.ok()) {
    return Fail(kExitUsage,
                signer.status().message() + " (a purge is signed with the server's audit key)");
  }
  auto store = OpenTrail(*config, false);
  if (!store.ok()) return Fail(kExitUsage, store.status().message());
  audit::PurgePlan plan;
  plan.now_ms = audit::UnixMillisNow();
  plan.metadata_before_ms = plan.now_ms - a.retain_metadata.count();
  plan.content_before_ms = plan.now_ms - a.retain_content.count();
  auto report = (*store)->Purge(plan, **signer, flags.dry_run);
  if (!report.ok()) return Fail(kExitFailure, report.status().message());
  if (flags.json) {
    JsonWriter w;
    w.BeginObject().Key("dry_run").Bool(flags.dry_run);
    w.Key("events_deleted").Int(report->events_deleted);
    w.Key("contents_erased").Int(report->contents_erased);
    w.Key("purged_through_seq").Int(report->purged_through_seq);
    w.Key("purge_seq").Int(report->purge_seq).EndObject();
    std::printf("%s\n", w.str().c_str());
  } else {
    std::printf("%s %lld events older than %s and the content of %lld more older than %s\n",
                flags.dry_run ? "would delete" : "deleted",
                static_cast<long long>(report->events_deleted),
                audit::FormatTime(plan.metadata_before_ms).c_str(),
                static_cast<long long>(report->contents_erased),
                audit::FormatTime(plan.content_before_ms).c_str());
  }
  return kExitOk;
}

// One decrypted line: {"seq","request_id","prompt","completion"} or {"seq","request_id","error"}.
void PrintOpened(int64_t seq, std::string_view request_id, std::string_view public_key,
                 std::string_view secret_key, std::string_view sealed, int& exit_code) {
  auto plain = audit::Unseal(public_key, secret_key, sealed);
  JsonWriter w;
  w.BeginObject().Key("seq").Int(seq).Key("request_id").String(request_id);
  if (!plain.ok()) {
    w.Key("error").String(plain.status().message());
    exit_code = kExitFailure;
  } else {
    // The plaintext is the object {"prompt","completion"}; its members join this line's.
    simdjson::dom::parser parser;
    simdjson::dom::object opened;
    if (parser.parse(*plain).get(opened)) {
      w.Key("error").String("sealed content is not an audit content object");
      exit_code = kExitFailure;
    } else {
      for (auto [key, value] : opened) w.Key(key).Raw(simdjson::minify(value));
    }
  }
  std::printf("%s\n", w.EndObject().str().c_str());
}

int Decrypt(const AuditFlags& flags) {
  auto secret = audit::ReadKeyFile(flags.secret_key, "auditor secret key", true);
  if (!secret.ok()) return Fail(kExitUsage, secret.status().message());
  std::string public_key = audit::AuditorPublicKey(*secret);
  int exit_code = kExitOk;
  if (!flags.input.empty()) {  // a file from `audit export --content`
    std::ifstream file;
    if (flags.input != "-") {
      file.open(flags.input, std::ios::binary);
      if (!file) return Fail(kExitUsage, "cannot open '" + flags.input + "'");
    }
    std::istream& in = flags.input == "-" ? std::cin : file;
    simdjson::dom::parser parser;
    std::string line;
    while (std::getline(in, line)) {
      simdjson::dom::element e;
      std::string_view sealed, request_id;
      int64_t seq = 0;
      if (parser.parse(line).get(e) || e["content_data"].get(sealed)) continue;
      if (e["seq"].get(seq) || e["request_id"].get(request_id)) continue;
      if (!sealed.starts_with("sealed:")) continue;
      PrintOpened(seq, request_id, public_key, *secret, sealed, exit_code);
    }
    return exit_code;
  }
  auto config = LoadAuditConfig(flags);
  if (!config.ok()) return Fail(kExitUsage, config.status().message());
  audit::Query q;
  if (Status st = FillQuery(flags, q); !st.ok()) return Fail(kExitUsage, st.message());
  auto store = OpenTrail(*config, true);
  if (!store.ok()) return Fail(kExitUsage, store.status().message());
  Status st = (*store)->Scan(q, [&](const audit::Record& r) {
    if (r.content.starts_with("sealed:")) {
      PrintOpened(r.seq, r.request_id, public_key, *secret, r.content, exit_code);
    }
    return true;
  });
  if (!st.ok()) return Fail(kExitFailure, st.message());
  return exit_code;
}

int Keygen(const AuditFlags& flags) {
  Status st = audit::WriteAuditorKeyPair(audit::MakeAuditorKeyPair(), flags.out);
  if (!st.ok()) return Fail(kExitFailure, st.message());
  std::printf(
      "wrote %s.pub (give it to the server: audit.auditor_public_key_file) and %s.key "
      "(the auditor's secret: keep it off the server)\n",
      flags.out.c_str(), flags.out.c_str());
  return kExitOk;
}

void AddStoreFlags(CLI::App* cmd, AuditFlags& flags) {
  cmd->add_option("--data-dir", flags.data_dir,
                  "The server's data directory, holding audit.db (default ./bastion-data)");
  cmd->add_option("--config", flags.config_file,
                  "Take the data directory, audit.store_url and key files from this config file");
  cmd->add_option("--store-url", flags.store_url,
                  "The trail in PostgreSQL: postgresql://USER@HOST[:PORT]/DB (prefer PGPASSWORD "
                  "to a password here)");
}

void AddTimeFlags(CLI::App* cmd, AuditFlags& flags) {
  cmd->add_option("--since", flags.since,
                  "Events at or after: 2026-12-01, 2026-12-01T10:00:00Z, or a duration ago (24h)");
  cmd->add_option("--until", flags.until, "Events before this time (same forms as --since)");
  cmd->add_option("--request-id", flags.request_id, "Only this request's event");
}

}  // namespace

Command RegisterAudit(CLI::App& app) {
  auto flags = std::make_shared<AuditFlags>();
  auto action = std::make_shared<std::function<int()>>();
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "The audit trail: one event per request, hash-chained, with signed checkpoints; no prompt\n"
      "text unless audit.content says \"redacted\" or \"encrypted\" (docs/audit.md).");
  cmd->require_subcommand(1);
  auto on = [&](CLI::App* sub, int (*run)(const AuditFlags&)) {
    sub->callback([flags, action, run] { *action = [flags, run] { return run(*flags); }; });
  };

  CLI::App* verify = cmd->add_subcommand(
      "verify",
      "Check every event's hash, link and content digest and every checkpoint's signature.\n"
      "Names each deleted, altered, inserted or reordered event. Exit status: 0 intact,\n"
      "1 problems found, 2 the trail cannot be read.");
  AddStoreFlags(verify, *flags);
  verify->add_option("--public-key", flags->public_keys,
                     "Trusted checkpoint key: 64 hex digits, a gateway's audit-signing.pub, or "
                     "its audit-signing.key; repeatable. The data directory's own key is "
                     "trusted too");
  verify->add_flag("--json", flags->json, "Print the report as JSON");
  on(verify, &Verify);

  CLI::App* exp = cmd->add_subcommand(
      "export",
      "Print events as JSON lines for a SIEM: {\"seq\",\"prev_hash\",\"hash\", ...the event}.");
  AddStoreFlags(exp, *flags);
  AddTimeFlags(exp, *flags);
  exp->add_option("--format", flags->format, "jsonl (the only format)");
  exp->add_flag("--content", flags->with_content,
                "Include stored content as \"content_data\" (sealed or redacted)");
  on(exp, &Export);

  CLI::App* query = cmd->add_subcommand("query", "Show recent events as a table, newest first.");
  AddStoreFlags(query, *flags);
  AddTimeFlags(query, *flags);
  query->add_option("--subject", flags->subject, "key:<id> or jwt:<sub>");
  query->add_option("--model", flags->model, "Served model name");
  query->add_option("--status", flags->status, "HTTP status");
  query->add_option("--outcome", flags->outcome, "completed | rejected | failed | abandoned");
  query->add_option("--kind", flags->kind, "request | purge");
  query->add_option("--limit", flags->limit, "Most events to show (default 50; 0: all)");
  query->add_flag("--json", flags->json, "JSON lines instead of a table");
  on(query, &Query);

  CLI::App* purge = cmd->add_subcommand(
      "purge",
      "Apply retention now: delete events older than audit.retain_metadata and erase content\n"
      "older than audit.retain_content, unrecoverably; the purge is itself an audited event.");
  AddStoreFlags(purge, *flags);
  purge->add_flag("--dry-run", flags->dry_run, "Count what would go; change nothing");
  purge->add_option("--retain-metadata", flags->retain_metadata, "Override, e.g. 90d");
  purge->add_option("--retain-content", flags->retain_content, "Override, e.g. 7d");
  purge->add_flag("--json", flags->json, "Print the report as JSON");
  on(purge, &Purge);

  CLI::App* decrypt = cmd->add_subcommand(
      "decrypt",
      "Open content stored under the \"encrypted\" policy with the auditor's secret key: one\n"
      "{\"seq\",\"request_id\",\"prompt\",\"completion\"} line per event. Reads the trail, or\n"
      "an `audit export --content` file.");
  AddStoreFlags(decrypt, *flags);
  AddTimeFlags(decrypt, *flags);
  decrypt->add_option("--secret-key", flags->secret_key, "The auditor's key file (auditor.key)")
      ->required();
  decrypt->add_option("input", flags->input, "An export file, or - for standard input");
  on(decrypt, &Decrypt);

  CLI::App* keygen = cmd->add_subcommand(
      "keygen", "Make an auditor key pair for the \"encrypted\" content policy.");
  keygen->add_option("--out", flags->out, "Path prefix: writes PREFIX.pub and PREFIX.key");
  on(keygen, &Keygen);

  return [action] { return (*action)(); };
}

}  // namespace bastion::app
