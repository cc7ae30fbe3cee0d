#pragma once
// Reading an entry's local header and the data descriptor after its data, and checking both
// against the central header. Internal to model/zip.
//
// Every reader takes an entry's name, method and sizes from the central directory but finds
// the data through the local header (its name and extra field lengths), so a local header
// that disagrees is how one file shows different contents to different tools (a scanner that
// streams local headers, torch.load that uses the central directory).

#include <cstdint>
#include <span>
#include <vector>

#include "model/intake/finding.h"
#include "model/zip/zip_entry.h"

namespace bastion::model::zip {

// Sets e.local_name, local_method, local_flags, data_offset, descriptor_size and raw.
// Clears e.readable (with a high finding) when the local header or the data lies outside
// `bytes`; appends a finding for every disagreement with the central header.
void ReadLocalHeader(std::span<const uint8_t> bytes, ZipEntry& e, std::vector<Finding>& findings);

}  // namespace bastion::model::zip
