#pragma once
// The intake record: proof that a model passed intake (scan safe, licence identified, every
// file hashed), written where serve looks for it before loading:
//
//   a folder DIR:  DIR/.bastion/intake.json   (.bastion is skipped by scan, manifest, verify)
//   a file F:      F.intake.json beside it
//
//   {"version":1, "created":"2026-12-03T10:00:00Z", "bastion":"0.1.0",
//    "source":{"hub":"https://huggingface.co","repo":"deepseek-ai/…","revision":"main",
//              "commit":"<sha>"} (or null for local files),
//    "scan":{"verdict":"safe","findings":N},
//    "license":{"model":"DeepSeek-R1-Distill-Qwen-1.5B","license":"MIT"} (model null if unknown),
//    "files":[{"path","size","sha256","mtime_ns"}]}
//
// For a single file, "files" has one entry whose path is the file's name.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/intake/manifest.h"

namespace bastion::model {

struct IntakeSource {  // where the files came from; all empty for local files
  std::string hub;
  std::string repo;
  std::string revision;
  std::string commit;
};

struct IntakeRecord {
  std::string created;  // UTC, ISO 8601
  std::string bastion_version;
  IntakeSource source;
  std::string scan_verdict;  // "safe"
  size_t scan_findings = 0;
  std::string license_model;  // "" when not identified
  std::string license;
  Manifest manifest;
  std::vector<int64_t> mtimes_ns;  // per manifest file, for serve's fast path
};

// Where the record of `path` (a folder or a file) lives.
std::string IntakeRecordPath(const std::string& path);

// Scans `path`, identifies its licence, hashes every file and writes the record.
// FailedPrecondition (naming the worst finding) when the scan is not safe: nothing is written.
Result<IntakeRecord> RecordIntake(const std::string& path, const IntakeSource& source,
                                  size_t threads);

// Reads the record of `path`. NotFound when there is none.
Result<IntakeRecord> ReadIntakeRecord(const std::string& path);

// Checks `path` against its record: every file hashed again (`fast`: sizes and modification
// times only). FailedPrecondition saying what differs.
Status CheckIntake(const std::string& path, size_t threads, bool fast);

}  // namespace bastion::model
