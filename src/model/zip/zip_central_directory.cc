#include "model/zip/zip_central_directory.h"

#include <algorithm>
#include <string>

#include "common/byte_reader.h"
#include "model/zip/zip_entry_name.h"
#include "model/zip/zip_extra_field.h"
#include "model/zip/zip_format.h"

namespace bastion::model::zip {
namespace {

using std::to_string;

std::string Quoted(const ZipEntry& e) { return EntryLabel(e.name); }

std::string Hex(uint16_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kDigits[(v >> shift) & 0xF]);
  return out;
}

void Unreadable(ZipEntry& e, Severity severity, const char* rule, const std::string& detail,
                std::vector<Finding>& findings) {
  e.readable = false;
  findings.push_back({severity, rule, Quoted(e) + ": " + detail});
}

// The central header after its signature. REQUIRES: `r` is at a header's first byte.
Result<ZipEntry> ReadHeader(ByteReader& r, size_t index, std::vector<Finding>& findings) {
  size_t at = r.offset();
  auto fixed = r.ReadBytes(kCentralHeaderSize);
  if (!fixed.ok() || LoadLittleEndian<uint32_t>(fixed->data()) != kCentralHeaderSignature) {
    return Status::InvalidArgument("zip: central directory entry #" + to_string(index) +
                                   " at byte " + to_string(at) +
                                   " of the directory is truncated or has no signature");
  }
  const uint8_t* p = fixed->data();
  uint16_t name_size = LoadLittleEndian<uint16_t>(p + 28);
  uint16_t extra_size = LoadLittleEndian<uint16_t>(p + 30);
  uint16_t comment_size = LoadLittleEndian<uint16_t>(p + 32);
  auto name = r.ReadBytes(name_size);
  auto extra = name.ok() ? r.ReadBytes(extra_size) : name;
  auto comment = extra.ok() ? r.ReadBytes(comment_size) : extra;
  if (!comment.ok()) {
    return Status::InvalidArgument("zip: central directory entry #" + to_string(index) +
                                   "'s name, extra field or comment runs past the directory");
  }
  ZipEntry e;
  e.name.assign(reinterpret_cast<const char*>(name->data()), name->size());
  e.flags = LoadLittleEndian<uint16_t>(p + 8);
  e.method = LoadLittleEndian<uint16_t>(p + 10);
  e.crc32 = LoadLittleEndian<uint32_t>(p + 16);
  WideFields wide{LoadLittleEndian<uint32_t>(p + 24), LoadLittleEndian<uint32_t>(p + 20),
                  LoadLittleEndian<uint32_t>(p + 42), true};
  e.readable = true;
  Status s = ApplyExtraFields(*extra, wide);
  if (!s.ok()) Unreadable(e, Severity::kHigh, "zip.bad_extra_field", s.message(), findings);
  e.uncompressed_size = wide.uncompressed;
  e.compressed_size = wide.compressed;
  e.local_header_offset = wide.offset;
  return e;
}

// Checks of what the central header alone declares.
void CheckDeclared(ZipEntry& e, std::vector<Finding>& findings) {
  if (e.encrypted() || (e.flags & kFlagMaskedHeaders) != 0) {
    Unreadable(e, Severity::kHigh, "zip.encrypted",
               "encrypted (flags " + Hex(e.flags) + "); its contents cannot be inspected",
               findings);
  }
  if ((e.method != kMethodStored && e.method != kMethodDeflate) || (e.flags & kFlagPatchData)) {
    Unreadable(e, Severity::kHigh, "zip.unsupported_method",
               "compression method " + to_string(e.method) +
                   " is not stored (0) or deflate (8); its contents cannot be inspected",
               findings);
  }
  bool stored_sizes_differ = e.method == kMethodStored && e.compressed_size != e.uncompressed_size;
  bool beyond_deflate =
      e.method == kMethodDeflate && e.uncompressed_size / kMaxDeflateRatio > e.compressed_size;
  if (stored_sizes_differ || beyond_deflate) {
    Unreadable(e, Severity::kHigh, "zip.size_mismatch",
               "declares " + to_string(e.compressed_size) + " compressed and " +
                   to_string(e.uncompressed_size) + " uncompressed bytes, impossible for method " +
                   to_string(e.method),
               findings);
  }
}

}  // namespace

Result<std::vector<ZipEntry>> ReadCentralDirectory(std::span<const uint8_t> bytes,
                                                   const EndRecord& end, uint64_t max_entries,
                                                   std::vector<Finding>& findings) {
  ByteReader r(bytes.subspan(end.directory_offset, end.directory_size));
  std::vector<ZipEntry> entries;
  entries.reserve(
      std::min({end.entry_count, end.directory_size / kCentralHeaderSize, max_entries}));
  while (r.remaining() > 0) {
    if (entries.size() >= max_entries) {
      findings.push_back(
          {Severity::kHigh, "zip.too_many_entries",
           "more than " + to_string(max_entries) + " entries; the rest are not inspected"});
      return entries;
    }
    auto e = ReadHeader(r, entries.size(), findings);
    if (!e.ok()) return e.status();
    CheckDeclared(*e, findings);
    entries.push_back(std::move(*e));
  }
  if (entries.size() != end.entry_count) {
    findings.push_back({Severity::kHigh, "zip.entry_count_mismatch",
                        "the end record declares " + to_string(end.entry_count) +
                            " entries, the central directory holds " + to_string(entries.size()) +
                            "; readers that count and readers that walk see different entries"});
  }
  return entries;
}

}  // namespace bastion::model::zip
