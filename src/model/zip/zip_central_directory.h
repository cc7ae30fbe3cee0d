#pragma once
// Reading the central directory: every entry's central header, its name and its ZIP64
// fields, and the checks that need only the central header (encryption, method, sizes that
// deflate cannot produce). Internal to model/zip.

#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"
#include "model/intake/finding.h"
#include "model/zip/zip_end_record.h"
#include "model/zip/zip_entry.h"

namespace bastion::model::zip {

// Walks the directory's bytes (as Python's zipfile does; miniz counts entries instead, so a
// disagreement with the declared count is a finding) and returns the entries in directory
// order with their central fields set and `readable` true unless a central check failed.
// At most `max_entries` are read; more is a high finding (the rest go uninspected). Fails
// when a header is truncated or lacks its signature: no reader can list such an archive.
Result<std::vector<ZipEntry>> ReadCentralDirectory(std::span<const uint8_t> bytes,
                                                   const EndRecord& end, uint64_t max_entries,
                                                   std::vector<Finding>& findings);

}  // namespace bastion::model::zip
