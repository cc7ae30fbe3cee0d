#pragma once
// An entry's contents: read whole (a view for stored entries, an inflated buffer bounded by a
// caller's cap for deflated ones) or checked by streaming (CRC-32 and size, no buffer).
//
// Threading: the functions keep no state; any number of threads may use them on one
// archive. Lifetimes: contents of a stored entry view the archive's bytes, which must
// outlive them; inflated contents own their buffer.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/status.h"
#include "model/intake/finding.h"
#include "model/zip/zip_entry.h"

namespace bastion::model {

class ZipEntryContents {
 public:
  static ZipEntryContents View(std::span<const uint8_t> bytes);
  static ZipEntryContents Own(std::vector<uint8_t> bytes);

  // Valid while this object lives (and, for a view, while the archive's bytes do); moving
  // the object keeps the bytes where they are.
  std::span<const uint8_t> bytes() const {
    return owned_ ? std::span<const uint8_t>(buffer_) : view_;
  }
  bool owned() const { return owned_; }

 private:
  std::vector<uint8_t> buffer_;
  std::span<const uint8_t> view_;
  bool owned_ = false;
};

// The whole contents of `e`, with its size and CRC-32 checked against the central directory.
// Fails with FailedPrecondition for an entry that is not readable, ResourceExhausted when
// its declared size passes `max_size` (checked before any work), and InvalidArgument for
// corrupt data, data that inflates to another size (inflating stops at the declared size,
// so memory never passes it) or a CRC that differs.
// Checking a stored entry's CRC reads all of it; for a cheap view use e.raw.
Result<ZipEntryContents> ReadEntryContents(const ZipEntry& e, uint64_t max_size);

// Streams the contents of an entry through CRC-32 without holding them, inflating
// at most min(declared size, `max_inflate`) bytes, and returns the finding that describes
// what is wrong (zip.bad_crc, zip.size_mismatch, zip.bad_deflate, zip.too_large; all high)
// or nothing when the contents match the central directory. Stored entries are never too
// large: checking them reads the mapping and allocates nothing. An entry that is not
// readable yields nothing (its finding was made when the archive was read).
std::optional<Finding> VerifyEntry(const ZipEntry& e, uint64_t max_inflate);

}  // namespace bastion::model
