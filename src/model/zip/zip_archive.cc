#include "model/zip/zip_archive.h"

#include <utility>

#include "common/byte_reader.h"
#include "model/zip/zip_central_directory.h"
#include "model/zip/zip_end_record.h"
#include "model/zip/zip_format.h"
#include "model/zip/zip_layout_checks.h"
#include "model/zip/zip_local_header.h"
#include "model/zip/zip_name_checks.h"

namespace bastion::model {

const ZipEntry* ZipArchive::Find(std::string_view name) const {
  for (const ZipEntry& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

Result<ZipArchive> ReadZip(std::span<const uint8_t> bytes, const ZipReadOptions& options) {
  ZipArchive archive;
  archive.bytes = bytes;
  auto end = zip::LocateEndRecord(bytes, archive.findings);
  if (!end.ok()) return end.status();
  archive.comment = end->comment;
  archive.zip64 = end->zip64;
  auto entries = zip::ReadCentralDirectory(bytes, *end, options.max_entries, archive.findings);
  if (!entries.ok()) return entries.status();
  archive.entries = std::move(*entries);
  for (ZipEntry& e : archive.entries) {
    zip::ReadLocalHeader(bytes, e, archive.findings);
    zip::CheckName(e, archive.findings);
  }
  zip::CheckDuplicates(archive.entries, archive.findings);
  zip::CheckLayout(archive.entries, *end, archive.findings);
  if (options.verify_contents) {
    for (const ZipEntry& e : archive.entries) {
      if (auto problem = VerifyEntry(e, options.max_inflate)) {
        archive.findings.push_back(std::move(*problem));
      }
    }
  }
  return archive;
}

bool LooksLikeZip(std::span<const uint8_t> bytes) {
  if (bytes.size() >= 4 && LoadLittleEndian<uint32_t>(bytes.data()) == zip::kLocalHeaderSignature) {
    return true;
  }
  return zip::HasEndRecord(bytes);
}

void VisitEntries(const ZipArchive& archive, uint64_t max_size, const ZipEntryVisitor& visit) {
  for (const ZipEntry& e : archive.entries) visit(e, ReadEntryContents(e, max_size));
}

}  // namespace bastion::model
