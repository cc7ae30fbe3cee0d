#include "model/intake/scanner.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "model/intake/content_check.h"
#include "model/intake/file_digest.h"
#include "model/intake/file_walk.h"
#include "model/mapped_file.h"

namespace bastion::model {
namespace fs = std::filesystem;
namespace {

Verdict Judge(const FileScan& scan, const ScanOptions& options) {
  const Severity unsafe_from = options.strict ? Severity::kMedium : Severity::kHigh;
  for (const Finding& f : scan.findings) {
    if (f.severity >= unsafe_from) return Verdict::kUnsafe;
  }
  return scan.error.empty() ? Verdict::kSafe : Verdict::kError;
}

// Content-addressed names (Ollama's blobs/sha256-<hex>, registries' sha256:<hex>) promise a
// digest: a blob whose bytes do not hash to its name was altered after it was fetched.
void CheckContentAddress(const fs::path& file, FileScan& scan) {
  const std::string name = file.filename().string();
  if (name.size() != 71 || !(name.starts_with("sha256-") || name.starts_with("sha256:"))) return;
  const std::string want = name.substr(7);
  if (!std::all_of(want.begin(), want.end(),
                   [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
    return;
  }
  auto got = Sha256File(file.string());
  if (got.ok() && *got != want) {
    scan.findings.push_back({Severity::kHigh, "file.digest_mismatch",
                             "named for SHA-256 " + want + ", but its bytes hash to " + *got});
  }
}

FileScan ScanFile(const fs::path& file, std::string shown, const ScanOptions& options) {
  std::error_code ec;
  if (fs::file_size(file, ec) == 0 && !ec) return ScanBytes({}, std::move(shown), options);
  auto mapped = MappedFile::Open(file.string());
  if (!mapped.ok()) {
    FileScan scan{std::move(shown)};
    scan.error = mapped.status().message();
    scan.verdict = Verdict::kError;
    return scan;
  }
  FileScan scan = ScanBytes(mapped->bytes(), std::move(shown), options);
  CheckContentAddress(file, scan);
  scan.verdict = Judge(scan, options);
  return scan;
}

Verdict Overall(const std::vector<FileScan>& files) {
  Verdict overall = Verdict::kSafe;
  for (const FileScan& f : files) {
    if (f.verdict == Verdict::kUnsafe) return Verdict::kUnsafe;
    if (f.verdict == Verdict::kError) overall = Verdict::kError;
  }
  return overall;
}

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSafe:
      return "safe";
    case Verdict::kUnsafe:
      return "unsafe";
    case Verdict::kError:
      return "error";
  }
  return "error";
}

FileScan ScanBytes(std::span<const uint8_t> bytes, std::string path, const ScanOptions& options) {
  FileScan scan;
  scan.path = std::move(path);
  scan.format = SniffFormat(bytes, FileNameOf(scan.path));
  if (Status st = CheckContents(bytes, scan.format, FileNameOf(scan.path), scan.findings);
      !st.ok()) {
    scan.error = st.message();
  }
  scan.verdict = Judge(scan, options);
  return scan;
}

Result<ScanReport> ScanPath(const std::string& path, const ScanOptions& options) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return Status::NotFound(path + ": no such file or directory");
  ScanReport report;
  if (!fs::is_directory(status)) {
    report.files.push_back(ScanFile(path, path, options));
    report.verdict = Overall(report.files);
    return report;
  }
  auto files = ListFiles(path);
  if (!files.ok()) return files.status();
  for (const WalkedFile& file : *files) {
    if (!file.regular) {
      FileScan scan{file.path};
      scan.error = "not a regular file (or a symlink to nothing)";
      scan.verdict = Verdict::kError;
      report.files.push_back(std::move(scan));
      continue;
    }
    report.files.push_back(ScanFile(file.absolute, file.path, options));
  }
  report.verdict = Overall(report.files);
  return report;
}

}  // namespace bastion::model
