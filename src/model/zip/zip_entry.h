#pragma once
// ZipEntry: one member of a ZIP archive as the central directory declares it, together with
// what its local header says, so that callers can see (and the reader can report) every
// place where the two disagree.
//
// Lifetime: `raw` is a view into the archive's bytes (usually a mapped file), which must
// outlive the entry.

#include <cstdint>
#include <span>
#include <string>

#include "model/zip/zip_format.h"

namespace bastion::model {

struct ZipEntry {
  std::string name;        // the central directory's name: what torch.load and zipfile look up
  std::string local_name;  // the local header's name ("" if the local header is unreadable)
  uint16_t method = 0;     // central; 0 stored, 8 deflate
  uint16_t flags = 0;      // central general-purpose bits
  uint16_t local_method = 0;
  uint16_t local_flags = 0;
  uint32_t crc32 = 0;  // central
  // Central, with ZIP64 extra fields applied: the sizes every central-directory reader uses.
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint64_t local_header_offset = 0;
  // First byte of the (compressed) data: the local header, its name and its extra field
  // skipped. 0 when the local header cannot be read.
  uint64_t data_offset = 0;
  // Bytes of a data descriptor after the data (0, or 12 to 24 when flag bit 3 is set and one
  // was found); counted as part of the entry when checking for overlaps and gaps.
  uint64_t descriptor_size = 0;
  // The compressed_size bytes at data_offset, in bounds; for a stored entry, its contents.
  // Empty when the entry cannot be located.
  std::span<const uint8_t> raw;
  // Located in bounds, not encrypted, and stored or deflated: its contents can be read. An
  // entry that is not readable always comes with a high-severity finding.
  bool readable = false;

  bool stored() const { return method == zip::kMethodStored; }
  bool encrypted() const {
    return (flags & (zip::kFlagEncrypted | zip::kFlagStrongEncryption)) != 0;
  }
  // One past the last byte the entry occupies in the file (data and any data descriptor).
  uint64_t end_offset() const { return data_offset + compressed_size + descriptor_size; }
};

}  // namespace bastion::model
