#include "model/zip/zip_end_record.h"

#include <algorithm>
#include <string>

#include "common/byte_reader.h"
#include "model/zip/zip_format.h"

namespace bastion::model::zip {
namespace {

using std::to_string;

struct ClassicRecord {
  uint16_t disk = 0;
  uint16_t directory_disk = 0;
  uint16_t entries_on_disk = 0;
  uint16_t entries = 0;
  uint32_t directory_size = 0;
  uint32_t directory_offset = 0;
  uint16_t comment_size = 0;
};

// REQUIRES: at least 22 bytes at `at`.
ClassicRecord ParseClassic(std::span<const uint8_t> bytes, uint64_t at) {
  const uint8_t* p = bytes.data() + at;
  return {LoadLittleEndian<uint16_t>(p + 4),  LoadLittleEndian<uint16_t>(p + 6),
          LoadLittleEndian<uint16_t>(p + 8),  LoadLittleEndian<uint16_t>(p + 10),
          LoadLittleEndian<uint32_t>(p + 12), LoadLittleEndian<uint32_t>(p + 16),
          LoadLittleEndian<uint16_t>(p + 20)};
}

// The offsets of every EOCD signature with 22 bytes after it in the search window, last
// first.
std::vector<uint64_t> Candidates(std::span<const uint8_t> bytes) {
  std::vector<uint64_t> found;
  if (bytes.size() < kEndRecordSize) return found;
  uint64_t last = bytes.size() - kEndRecordSize;
  uint64_t first = last > kMaxCommentSize ? last - kMaxCommentSize : 0;
  for (uint64_t at = last + 1; at-- > first;) {
    if (LoadLittleEndian<uint32_t>(bytes.data() + at) == kEndRecordSignature) found.push_back(at);
  }
  return found;
}

void FlagOtherCandidates(std::span<const uint8_t> bytes, const std::vector<uint64_t>& candidates,
                         std::vector<Finding>& findings) {
  for (size_t i = 1; i < candidates.size(); ++i) {
    ClassicRecord other = ParseClassic(bytes, candidates[i]);
    if (candidates[i] + kEndRecordSize + other.comment_size != bytes.size()) continue;
    findings.push_back({Severity::kHigh, "zip.multiple_eocd",
                        "an end of central directory record at offset " + to_string(candidates[i]) +
                            " also reaches the end of the file; " + "the one at offset " +
                            to_string(candidates[0]) +
                            " is used, other readers may use the other"});
    return;  // one is enough; a comment can hold thousands
  }
}

struct Zip64Record {
  uint64_t record_offset = 0;
  uint32_t disk = 0;
  uint32_t directory_disk = 0;
  uint64_t entries_on_disk = 0;
  uint64_t entries = 0;
  uint64_t directory_size = 0;
  uint64_t directory_offset = 0;
};

Result<Zip64Record> ReadZip64(std::span<const uint8_t> bytes, uint64_t locator_at) {
  ByteReader locator(bytes.subspan(locator_at + 4, kZip64LocatorSize - 4));
  (void)locator.ReadU32();  // the disk holding the ZIP64 record; checked through `disk` below
  uint64_t record_at = *locator.ReadU64();
  if (record_at > locator_at || locator_at - record_at < kZip64EndRecordSize) {
    return Status::InvalidArgument("zip: the ZIP64 locator at offset " + to_string(locator_at) +
                                   " points to offset " + to_string(record_at) +
                                   ", where no ZIP64 end record fits");
  }
  ByteReader r(bytes.subspan(record_at, kZip64EndRecordSize));
  if (*r.ReadU32() != kZip64EndRecordSignature) {
    return Status::InvalidArgument("zip: no ZIP64 end record at offset " + to_string(record_at) +
                                   ", where the ZIP64 locator points");
  }
  (void)r.Skip(8 + 2 + 2);  // record size, versions made by and needed
  Zip64Record z;
  z.record_offset = record_at;
  z.disk = *r.ReadU32();
  z.directory_disk = *r.ReadU32();
  z.entries_on_disk = *r.ReadU64();
  z.entries = *r.ReadU64();
  z.directory_size = *r.ReadU64();
  z.directory_offset = *r.ReadU64();
  return z;
}

// A classic field that is not the "see ZIP64" sentinel must agree with the ZIP64 record, or
// readers without ZIP64 support read another directory.
void CompareField(const char* what, uint64_t classic, uint64_t sentinel, uint64_t zip64,
                  std::vector<Finding>& findings) {
  if (classic == sentinel || classic == zip64) return;
  findings.push_back({Severity::kHigh, "zip.eocd_mismatch",
                      std::string("the end record's ") + what + " " + to_string(classic) +
                          " differs from the ZIP64 record's " + to_string(zip64)});
}

Status ApplyZip64(std::span<const uint8_t> bytes, const ClassicRecord& c, EndRecord& end,
                  std::vector<Finding>& findings) {
  uint64_t locator_at = end.eocd_offset - kZip64LocatorSize;
  auto z = ReadZip64(bytes, locator_at);
  if (!z.ok()) return z.status();
  CompareField("entry count", c.entries, kSentinel16, z->entries, findings);
  CompareField("directory size", c.directory_size, kSentinel32, z->directory_size, findings);
  CompareField("directory offset", c.directory_offset, kSentinel32, z->directory_offset, findings);
  if (z->record_offset + kZip64EndRecordSize != locator_at) {
    // Python's zipfile ignores the locator and expects the record right before it.
    findings.push_back({Severity::kHigh, "zip.eocd_mismatch",
                        "the ZIP64 end record at offset " + to_string(z->record_offset) +
                            " does not end where its locator starts (offset " +
                            to_string(locator_at) + ")"});
  }
  if (z->disk != 0 || z->directory_disk != 0 || z->entries_on_disk != z->entries) {
    findings.push_back({Severity::kHigh, "zip.multi_disk",
                        "the ZIP64 end record describes an archive split over several disks"});
  }
  end.zip64 = true;
  end.directory_end = z->record_offset;
  end.entry_count = z->entries;
  end.directory_size = z->directory_size;
  end.directory_offset = z->directory_offset;
  return Status::Ok();
}

void CheckEnd(std::span<const uint8_t> bytes, const ClassicRecord& c, EndRecord& end,
              std::vector<Finding>& findings) {
  uint64_t declared_end = end.eocd_offset + kEndRecordSize + c.comment_size;
  end.archive_end = std::min<uint64_t>(declared_end, bytes.size());
  end.comment = std::string_view(
      reinterpret_cast<const char*>(bytes.data()) + end.eocd_offset + kEndRecordSize,
      end.archive_end - end.eocd_offset - kEndRecordSize);
  if (declared_end > bytes.size()) {
    findings.push_back({Severity::kMedium, "zip.truncated_comment",
                        "the archive comment is declared " + to_string(c.comment_size) +
                            " bytes long but the file ends after " +
                            to_string(end.comment.size())});
  } else if (declared_end < bytes.size()) {
    findings.push_back({Severity::kMedium, "zip.trailing_data",
                        to_string(bytes.size() - declared_end) +
                            " bytes follow the end of the archive at offset " +
                            to_string(declared_end) + " (a polyglot file?)"});
  }
  if (c.disk != 0 || c.directory_disk != 0 || c.entries_on_disk != c.entries) {
    findings.push_back({Severity::kHigh, "zip.multi_disk",
                        "the end record describes an archive split over several disks"});
  }
}

Status CheckDirectoryBounds(const EndRecord& end, std::vector<Finding>& findings) {
  if (end.directory_offset > end.directory_end ||
      end.directory_size > end.directory_end - end.directory_offset) {
    return Status::InvalidArgument(
        "zip: the central directory (offset " + to_string(end.directory_offset) + ", " +
        to_string(end.directory_size) + " bytes) does not fit before the end record at offset " +
        to_string(end.directory_end));
  }
  uint64_t gap = end.directory_end - end.directory_offset - end.directory_size;
  if (gap != 0) {
    // Python's zipfile then shifts every offset by the gap (it assumes prepended data);
    // miniz does not: the two read different bytes.
    findings.push_back({Severity::kHigh, "zip.directory_offset_mismatch",
                        "the central directory ends " + to_string(gap) +
                            " bytes before the end record; readers disagree on where entries "
                            "start"});
  }
  return Status::Ok();
}

}  // namespace

bool HasEndRecord(std::span<const uint8_t> bytes) { return !Candidates(bytes).empty(); }

Result<EndRecord> LocateEndRecord(std::span<const uint8_t> bytes, std::vector<Finding>& findings) {
  std::vector<uint64_t> candidates = Candidates(bytes);
  if (candidates.empty()) {
    return Status::InvalidArgument(
        "zip: no end of central directory record in the last 65557 bytes; not a zip archive, "
        "or a truncated one");
  }
  FlagOtherCandidates(bytes, candidates, findings);
  EndRecord end;
  end.eocd_offset = candidates[0];
  ClassicRecord c = ParseClassic(bytes, end.eocd_offset);
  CheckEnd(bytes, c, end, findings);
  end.directory_end = end.eocd_offset;
  end.entry_count = c.entries;
  end.directory_size = c.directory_size;
  end.directory_offset = c.directory_offset;
  if (end.eocd_offset >= kZip64LocatorSize &&
      LoadLittleEndian<uint32_t>(bytes.data() + end.eocd_offset - kZip64LocatorSize) ==
          kZip64LocatorSignature) {
    Status s = ApplyZip64(bytes, c, end, findings);
    if (!s.ok()) return s;
  }
  Status bounds = CheckDirectoryBounds(end, findings);
  if (!bounds.ok()) return bounds;
  return end;
}

}  // namespace bastion::model::zip
