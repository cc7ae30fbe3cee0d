#pragma once
// ReadZip: a defensive reader of ZIP archives for the model scanner (PyTorch checkpoints
// written by torch.save, and any other zip in a model folder, nested ones included).
//
// It reads the archive the way torch.load (miniz) does, from the central directory, and
// reports every place where another reader (Python's zipfile, a scanner that streams local
// headers, an extractor) could see something else, as findings with stable rule ids:
//
//   high    zip.name_mismatch zip.header_mismatch zip.size_mismatch zip.bad_crc
//           zip.duplicate_entry zip.path_escape zip.bad_name (NUL) zip.encrypted
//           zip.unsupported_method zip.overlapping_entries zip.entry_count_mismatch
//           zip.multiple_eocd zip.eocd_mismatch zip.directory_offset_mismatch zip.multi_disk
//           zip.bad_local_header zip.entry_out_of_bounds zip.bad_extra_field zip.bad_deflate
//           zip.too_large zip.too_many_entries
//   medium  zip.prefix_data zip.trailing_data zip.unclaimed_data zip.truncated_comment
//           zip.data_descriptor (when no descriptor repeats the central directory)
//           zip.bad_name (empty)
//   info    zip.data_descriptor (when one does: torch.save writes them)
//
// A high finding means two readers may see different contents, or some contents could not
// be inspected, so a verdict about the archive would be a guess. An archive that cannot be
// listed at all (no end record, a central directory outside the file or cut short) is an
// error: callers must treat it as uninspectable, never as clean.
//
// Lifetimes: the archive holds views into `bytes` (entry data, the comment); the bytes (a
// MappedFile, or the contents of an outer entry for nested archives) must outlive it.
// Threading: a ZipArchive is immutable once read; any number of threads may read it.

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/intake/finding.h"
#include "model/zip/zip_entry.h"
#include "model/zip/zip_entry_contents.h"

namespace bastion::model {

struct ZipReadOptions {
  // Entries beyond this many are not read (zip.too_many_entries); each costs ~200 bytes.
  uint64_t max_entries = uint64_t{1} << 18;
  // Check every readable entry's CRC-32 and size (zip.bad_crc, zip.size_mismatch,
  // zip.bad_deflate). This reads every byte of the archive, inflating deflated entries
  // through a fixed 64 KiB buffer.
  bool verify_contents = true;
  // Deflated entries declaring more uncompressed bytes are not inflated (zip.too_large).
  uint64_t max_inflate = uint64_t{4} << 30;
};

struct ZipArchive {
  std::span<const uint8_t> bytes;
  std::vector<ZipEntry> entries;  // in central directory order
  std::vector<Finding> findings;  // in the order found
  std::string_view comment;
  bool zip64 = false;

  // The first entry named exactly `name`, or nullptr. Duplicates are a high finding.
  const ZipEntry* Find(std::string_view name) const;
};

Result<ZipArchive> ReadZip(std::span<const uint8_t> bytes, const ZipReadOptions& options = {});

// Whether the bytes should be read as a zip: a local header signature at offset 0, or an end
// record signature near the end (polyglots put the archive after other data). Broad on
// purpose: a false positive costs a failed ReadZip, a false negative an unscanned archive.
bool LooksLikeZip(std::span<const uint8_t> bytes);

// Calls `visit` for every entry in directory order, with its contents (ReadEntryContents
// with `max_size`) or the reason they cannot be read. The contents live only during the
// call; a nested archive read from them must not outlive it.
using ZipEntryVisitor =
    std::function<void(const ZipEntry&, const Result<ZipEntryContents>& contents)>;
void VisitEntries(const ZipArchive& archive, uint64_t max_size, const ZipEntryVisitor& visit);

}  // namespace bastion::model
