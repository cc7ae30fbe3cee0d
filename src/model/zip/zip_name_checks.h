#pragma once
// Checks of entry names: names that would write outside the folder they are extracted to,
// names C code reads differently from Python, and names that two readers resolve to two
// different entries. Internal to model/zip.

#include <string_view>
#include <vector>

#include "model/intake/finding.h"
#include "model/zip/zip_entry.h"

namespace bastion::model::zip {

// zip.path_escape (high): absolute paths, ".." components, backslashes, drive letters.
// zip.bad_name: a NUL byte (high: C strings end there, Python's do not) or an empty name
// (medium).
void CheckName(const ZipEntry& e, std::vector<Finding>& findings);

// zip.duplicate_entry (high): two entries whose names are equal, or equal once case,
// backslashes and "." or empty components are ignored. Readers disagree on which duplicate
// wins (Python's zipfile the last, miniz's lookup the first it meets, possibly case-blind),
// so a scanner and torch.load can see different files under one name.
void CheckDuplicates(const std::vector<ZipEntry>& entries, std::vector<Finding>& findings);

}  // namespace bastion::model::zip
