#include "model/intake/intake_record.h"

#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/json_writer.h"
#include "common/version.h"
#include "model/intake/file_digest.h"
#include "model/intake/file_walk.h"
#include "model/intake/license_identify.h"
#include "model/intake/scanner.h"

namespace bastion::model {
namespace fs = std::filesystem;
namespace {

std::string NowUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// The folder the manifest's paths are relative to.
fs::path BaseOf(const std::string& path) {
  return fs::is_directory(path) ? fs::path(path) : fs::path(path).parent_path();
}

Result<int64_t> MtimeNs(const fs::path& file) {
  std::error_code ec;
  const auto t = fs::last_write_time(file, ec);
  if (ec) return Status::IoError(file.string() + ": " + ec.message());
  const auto sys = std::chrono::file_clock::to_sys(t);  // Unix time, as stat prints it
  return std::chrono::duration_cast<std::chrono::nanoseconds>(sys.time_since_epoch()).count();
}

Result<Manifest> ManifestOf(const std::string& path, size_t threads) {
  if (fs::is_directory(path)) return BuildManifest(path, threads);
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return Status::IoError(path + ": " + ec.message());
  auto digest = Sha256File(path);
  if (!digest.ok()) return digest.status();
  return Manifest{{{fs::path(path).filename().string(), size, *digest}}};
}

// A one-line account of why a scan did not pass, naming its worst finding.
std::string ScanRefusal(const ScanReport& report) {
  for (const FileScan& f : report.files) {
    if (f.verdict == Verdict::kSafe) continue;
    std::string why = f.path + ": ";
    if (f.verdict == Verdict::kError) return why + f.error;
    const Finding* worst = &f.findings.front();
    for (const Finding& finding : f.findings) {
      if (finding.severity > worst->severity) worst = &finding;
    }
    return why + std::string(SeverityName(worst->severity)) + " " + worst->rule + ": " +
           worst->detail;
  }
  return "";
}

std::string RecordJson(const IntakeRecord& r) {
  JsonWriter w;
  w.BeginObject().Key("version").Int(1).Key("created").String(r.created);
  w.Key("bastion").String(r.bastion_version).Key("source");
  if (r.source.repo.empty()) {
    w.Null();
  } else {
    w.BeginObject().Key("hub").String(r.source.hub).Key("repo").String(r.source.repo);
    w.Key("revision").String(r.source.revision).Key("commit").String(r.source.commit).EndObject();
  }
  w.Key("scan").BeginObject().Key("verdict").String(r.scan_verdict);
  w.Key("findings").Uint(r.scan_findings).EndObject();
  w.Key("license").BeginObject().Key("model");
  if (r.license_model.empty()) {
    w.Null();
  } else {
    w.String(r.license_model);
  }
  w.Key("license").String(r.license).EndObject().Key("files").BeginArray();
  for (size_t i = 0; i < r.manifest.files.size(); ++i) {
    const ManifestEntry& e = r.manifest.files[i];
    w.BeginObject().Key("path").String(e.path).Key("size").Uint(e.size);
    w.Key("sha256").String(e.sha256).Key("mtime_ns").Int(r.mtimes_ns[i]).EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

Status WriteAtomically(const fs::path& target, const std::string& text) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  const fs::path tmp = target.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text << "\n";
    if (!out.flush()) return Status::IoError(tmp.string() + ": cannot write");
  }
  fs::rename(tmp, target, ec);
  if (ec) return Status::IoError(target.string() + ": " + ec.message());
  return Status::Ok();
}

// Sizes and modification times against the record: no file is read. A file rewritten with
// the same size and a restored mtime passes, which is why this path needs an explicit flag.
ManifestDrift FastDrift(const IntakeRecord& record, const std::string& path) {
  std::vector<std::string> now;
  if (fs::is_directory(path)) {
    auto files = ListFiles(path);
    if (files.ok()) {
      for (const WalkedFile& f : *files) now.push_back(f.path);
    }
  } else if (fs::exists(path)) {
    now.push_back(fs::path(path).filename().string());
  }
  std::map<std::string, size_t> recorded;
  for (size_t i = 0; i < record.manifest.files.size(); ++i) {
    recorded[record.manifest.files[i].path] = i;
  }
  ManifestDrift drift;
  for (const std::string& p : now) {
    auto it = recorded.find(p);
    if (it == recorded.end()) {
      drift.extra.push_back(p);
      continue;
    }
    const ManifestEntry& e = record.manifest.files[it->second];
    std::error_code ec;
    const fs::path file = BaseOf(path) / p;
    const uint64_t size = fs::file_size(file, ec);
    auto mtime = MtimeNs(file);
    if (ec || size != e.size || !mtime.ok() || *mtime != record.mtimes_ns[it->second]) {
      drift.changed.push_back(p + ": size or modification time");
    }
    recorded.erase(it);
  }
  for (const auto& [p, i] : recorded) drift.missing.push_back(p);
  return drift;
}

}  // namespace

std::string IntakeRecordPath(const std::string& path) {
  if (fs::is_directory(path)) return (fs::path(path) / ".bastion" / "intake.json").string();
  return path + ".intake.json";
}

Result<IntakeRecord> RecordIntake(const std::string& path, const IntakeSource& source,
                                  size_t threads) {
  auto scan = ScanPath(path, {});
  if (!scan.ok()) return scan.status();
  if (scan->verdict != Verdict::kSafe) {
    return Status::FailedPrecondition("scan: " + std::string(VerdictName(scan->verdict)) + ": " +
                                      ScanRefusal(*scan));
  }
  IntakeRecord r;
  r.created = NowUtc();
  r.bastion_version = kVersion;
  r.source = source;
  r.scan_verdict = "safe";
  for (const FileScan& f : scan->files) r.scan_findings += f.findings.size();
  if (auto license = IdentifyLicense(path); license.ok() && license->release != nullptr) {
    r.license_model = license->release->name;
    r.license = license->release->license;
  }
  auto manifest = ManifestOf(path, threads);
  if (!manifest.ok()) return manifest.status();
  r.manifest = std::move(*manifest);
  for (const ManifestEntry& e : r.manifest.files) {
    auto mtime = MtimeNs(BaseOf(path) / e.path);
    if (!mtime.ok()) return mtime.status();
    r.mtimes_ns.push_back(*mtime);
  }
  if (Status st = WriteAtomically(IntakeRecordPath(path), RecordJson(r)); !st.ok()) return st;
  return r;
}

Result<IntakeRecord> ReadIntakeRecord(const std::string& path) {
  const std::string file = IntakeRecordPath(path);
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound(file + ": no intake record");
  std::stringstream text;
  text << in.rdbuf();
  // The files list has the manifest's shape plus mtimes: the manifest reader checks it.
  auto manifest = ParseManifest(text.str());
  if (!manifest.ok()) return Status::InvalidArgument(file + ": " + manifest.status().message());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(text.str());
  if (parser.parse(padded).get(root)) return Status::InvalidArgument(file + ": not JSON");
  IntakeRecord r;
  r.manifest = std::move(*manifest);
  std::string_view s;
  if (!root["created"].get_string().get(s)) r.created = s;
  if (!root["scan"]["verdict"].get_string().get(s)) r.scan_verdict = s;
  if (!root["license"]["model"].get_string().get(s)) r.license_model = s;
  if (!root["license"]["license"].get_string().get(s)) r.license = s;
  simdjson::dom::element src = root["source"];
  if (src.is_object()) {
    if (!src["hub"].get_string().get(s)) r.source.hub = s;
    if (!src["repo"].get_string().get(s)) r.source.repo = s;
    if (!src["revision"].get_string().get(s)) r.source.revision = s;
    if (!src["commit"].get_string().get(s)) r.source.commit = s;
  }
  std::map<std::string, int64_t> mtimes;
  for (simdjson::dom::element f : root["files"].get_array()) {
    std::string_view p;
    int64_t t = 0;
    if (!f["path"].get_string().get(p) && !f["mtime_ns"].get_int64().get(t))
      mtimes[std::string(p)] = t;
  }
  for (const ManifestEntry& e : r.manifest.files) r.mtimes_ns.push_back(mtimes[e.path]);
  if (r.scan_verdict != "safe") return Status::FailedPrecondition(file + ": the scan did not pass");
  return r;
}

Status CheckIntake(const std::string& path, size_t threads, bool fast) {
  auto record = ReadIntakeRecord(path);
  if (!record.ok()) return record.status();
  ManifestDrift drift;
  if (fast) {
    drift = FastDrift(*record, path);
  } else {
    auto now = ManifestOf(path, threads);
    if (!now.ok()) return now.status();
    drift = CompareManifests(record->manifest, *now);
  }
  if (drift.empty()) return Status::Ok();
  std::string what;
  for (const auto& [kind, list] :
       {std::pair{"changed", &drift.changed}, std::pair{"missing", &drift.missing},
        std::pair{"extra", &drift.extra}}) {
    for (const std::string& line : *list) {
      what += std::string(what.empty() ? "" : "; ") + kind + " " + line;
    }
  }
  return Status::FailedPrecondition("the model's files differ from its intake record (" + what +
                                    "): check them, then run `bastion intake " + path + "` again");
}

}  // namespace bastion::model
