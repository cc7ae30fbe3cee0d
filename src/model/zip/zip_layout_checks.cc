#include "model/zip/zip_layout_checks.h"

#include <algorithm>
#include <string>

#include "model/zip/zip_entry_name.h"

namespace bastion::model::zip {
namespace {

using std::to_string;

struct Extent {
  uint64_t begin;
  uint64_t end;
  std::string what;
};

std::vector<Extent> Extents(const std::vector<ZipEntry>& entries, const EndRecord& end) {
  std::vector<Extent> out;
  out.reserve(entries.size() + 2);
  for (const ZipEntry& e : entries) {
    if (e.data_offset == 0) continue;
    out.push_back({e.local_header_offset, e.end_offset(), EntryLabel(e.name)});
  }
  out.push_back({end.directory_offset, end.directory_end, "the central directory"});
  out.push_back({end.directory_end, end.archive_end, "the end records"});
  std::stable_sort(out.begin(), out.end(),
                   [](const Extent& a, const Extent& b) { return a.begin < b.begin; });
  return out;
}

}  // namespace

void CheckLayout(const std::vector<ZipEntry>& entries, const EndRecord& end,
                 std::vector<Finding>& findings) {
  std::vector<Extent> extents = Extents(entries, end);
  if (extents.front().begin > 0) {
    findings.push_back(
        {Severity::kMedium, "zip.prefix_data",
         to_string(extents.front().begin) + " bytes precede the first entry (a polyglot file?)"});
  }
  const Extent* reach = &extents.front();  // the extent that reaches furthest so far
  for (size_t i = 1; i < extents.size(); ++i) {
    const Extent& next = extents[i];
    if (next.begin < reach->end) {
      findings.push_back({Severity::kHigh, "zip.overlapping_entries",
                          next.what + " (bytes " + to_string(next.begin) + " to " +
                              to_string(next.end) + ") overlaps " + reach->what + " (bytes " +
                              to_string(reach->begin) + " to " + to_string(reach->end) + ")"});
    } else if (next.begin > reach->end) {
      findings.push_back({Severity::kMedium, "zip.unclaimed_data",
                          to_string(next.begin - reach->end) + " bytes at offset " +
                              to_string(reach->end) + " belong to no entry"});
    }
    if (next.end > reach->end) reach = &next;
  }
}

}  // namespace bastion::model::zip
