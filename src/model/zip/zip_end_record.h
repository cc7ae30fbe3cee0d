#pragma once
// Finding the end of central directory record (EOCD) and, when a locator points to one, the
// ZIP64 end record: where the central directory is, how large, and how many entries it
// declares. Internal to model/zip.
//
// Which EOCD: the last "PK\5\6" signature with at least 22 bytes after it, within the last
// 64 KiB + 22 bytes, as miniz (torch.load) and Python's zipfile both choose. A comment can
// hide a second, plausible EOCD; when any other candidate's comment also reaches the end of
// the file, readers that prefer a "consistent" record would pick another directory, so that
// is a high finding (zip.multiple_eocd).

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/intake/finding.h"

namespace bastion::model::zip {

struct EndRecord {
  uint64_t eocd_offset = 0;
  // eocd_offset + 22 + the comment's length, clipped to the file: where the archive ends.
  uint64_t archive_end = 0;
  // Where the central directory must end: the ZIP64 end record if any, else the EOCD.
  uint64_t directory_end = 0;
  uint64_t directory_offset = 0;
  uint64_t directory_size = 0;
  uint64_t entry_count = 0;
  bool zip64 = false;
  std::string_view comment;  // a view into the archive's bytes
};

// Fails (InvalidArgument) when there is no EOCD, a ZIP64 locator points at no ZIP64 record,
// or the central directory lies outside the file. Oddities that still leave one reading
// are appended to `findings`.
Result<EndRecord> LocateEndRecord(std::span<const uint8_t> bytes, std::vector<Finding>& findings);

// Whether a "PK\5\6" record whose 22 bytes fit sits within the last 64 KiB + 22 bytes.
bool HasEndRecord(std::span<const uint8_t> bytes);

}  // namespace bastion::model::zip
