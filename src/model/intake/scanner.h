#pragma once
// bastion scan: judges every file under a path by its bytes and reports findings per file
// (format_checks.h, file_format.h), without loading or executing anything.
//
// A file is unsafe if it has a high or critical finding (with `strict`, also medium); an
// error if it cannot be parsed and nothing made it unsafe; safe otherwise. The scan's verdict
// is unsafe if any file is, else error if any file is, else safe.

#include <string>
#include <vector>

#include "common/status.h"
#include "model/intake/file_format.h"
#include "model/intake/finding.h"

namespace bastion::model {

enum class Verdict { kSafe, kUnsafe, kError };
std::string_view VerdictName(Verdict verdict);  // "safe", "unsafe", "error"

struct FileScan {
  std::string path;  // relative to the scanned directory; the path given for a single file
  FileFormat format = FileFormat::kUnknownBinary;
  std::vector<Finding> findings;
  std::string error;  // why the file could not be parsed; empty when it could
  Verdict verdict = Verdict::kSafe;
};

struct ScanReport {
  std::vector<FileScan> files;  // in path order
  Verdict verdict = Verdict::kSafe;
};

struct ScanOptions {
  bool strict = false;  // medium findings make a file unsafe too
};

// Scans one file's bytes; `name` is its file name (a few checks depend on it: *.py, config.json).
FileScan ScanBytes(std::span<const uint8_t> bytes, std::string path, const ScanOptions& options);

// A file, or every file under a directory (recursively; file symlinks are followed, as in a
// Hugging Face cache snapshot, directory symlinks and .git are not). NotFound when `path` does
// not exist; IoError for a directory that cannot be listed.
Result<ScanReport> ScanPath(const std::string& path, const ScanOptions& options);

}  // namespace bastion::model
