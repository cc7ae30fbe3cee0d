#pragma once
// Checks of where things lie in the file: entries that overlap each other or the central
// directory (overlapping-entry zip bombs, one byte range read as two files), bytes that no
// entry claims (a second file hidden in the gaps) and bytes before the first entry (a
// polyglot: the same file is also an executable, an image or a pickle). Internal to
// model/zip.

#include <cstdint>
#include <vector>

#include "model/intake/finding.h"
#include "model/zip/zip_end_record.h"
#include "model/zip/zip_entry.h"

namespace bastion::model::zip {

// zip.overlapping_entries (high), zip.unclaimed_data (medium), zip.prefix_data (medium).
// Entries whose local header could not be read (data_offset 0) are left out.
void CheckLayout(const std::vector<ZipEntry>& entries, const EndRecord& end,
                 std::vector<Finding>& findings);

}  // namespace bastion::model::zip
