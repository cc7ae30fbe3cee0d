#pragma once
// Extra fields: the (id, length, data) records after a header's name. Only the ZIP64 field
// (id 1) changes how an entry is read; the rest (torch.save's alignment padding, timestamps,
// Unix ids) are checked for structure and skipped. Internal to model/zip.

#include <cstdint>
#include <span>

#include "common/status.h"

namespace bastion::model::zip {

// A header's 32-bit sizes and offset, widened. The ZIP64 field replaces, in this order,
// exactly those equal to 0xFFFFFFFF (APPNOTE 4.5.3).
struct WideFields {
  uint64_t uncompressed = 0;
  uint64_t compressed = 0;
  uint64_t offset = 0;
  bool has_offset = false;  // central headers have an offset, local headers do not
};

// Checks that `extra` is a well-formed list of records with at most one ZIP64 record, and
// applies that record to `fields`. Fails (InvalidArgument, without a "zip:" prefix) when a
// record runs past the end, the ZIP64 record repeats, or a sentinel has no ZIP64 value.
Status ApplyExtraFields(std::span<const uint8_t> extra, WideFields& fields);

}  // namespace bastion::model::zip
