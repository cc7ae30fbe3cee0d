#include "model/zip/zip_local_header.h"

#include <string>

#include "common/byte_reader.h"
#include "model/zip/zip_entry_name.h"
#include "model/zip/zip_extra_field.h"
#include "model/zip/zip_format.h"

namespace bastion::model::zip {
namespace {

using std::to_string;

struct LocalFields {
  uint16_t flags = 0;
  uint16_t method = 0;
  uint32_t crc32 = 0;
  WideFields sizes;
};

void Add(std::vector<Finding>& findings, Severity severity, const char* rule, const ZipEntry& e,
         const std::string& detail) {
  findings.push_back({severity, rule, EntryLabel(e.name) + ": " + detail});
}

void Unreadable(std::vector<Finding>& findings, ZipEntry& e, const char* rule,
                const std::string& detail) {
  e.readable = false;
  Add(findings, Severity::kHigh, rule, e, detail);
}

void CompareSize(const char* what, uint64_t local, uint64_t central, const ZipEntry& e,
                 std::vector<Finding>& findings) {
  if (local == central) return;
  Add(findings, Severity::kHigh, "zip.size_mismatch", e,
      std::string("the local header's ") + what + " " + to_string(local) +
          " differs from the central directory's " + to_string(central));
}

void CompareWithCentral(const LocalFields& local, const ZipEntry& e,
                        std::vector<Finding>& findings) {
  if (e.local_name != e.name) {
    Add(findings, Severity::kHigh, "zip.name_mismatch", e,
        "the local header names it " + QuoteName(e.local_name));
  }
  if (local.method != e.method || local.flags != e.flags) {
    Add(findings, Severity::kHigh, "zip.header_mismatch", e,
        "the local header's method " + to_string(local.method) + " and flags " +
            to_string(local.flags) + " differ from the central directory's " + to_string(e.method) +
            " and " + to_string(e.flags));
  }
  // With a data descriptor, writers may leave the local CRC and sizes zero.
  bool deferred = (local.flags & kFlagDataDescriptor) != 0;
  if (!(deferred && local.crc32 == 0) && local.crc32 != e.crc32) {
    Add(findings, Severity::kHigh, "zip.bad_crc", e,
        "the local header's CRC-32 " + to_string(local.crc32) +
            " differs from the central directory's " + to_string(e.crc32));
  }
  if (!(deferred && local.sizes.compressed == 0)) {
    CompareSize("compressed size", local.sizes.compressed, e.compressed_size, e, findings);
  }
  if (!(deferred && local.sizes.uncompressed == 0)) {
    CompareSize("uncompressed size", local.sizes.uncompressed, e.uncompressed_size, e, findings);
  }
}

// The size of the data descriptor at `at` that repeats the central CRC and sizes, trying
// the four layouts writers use (with or without its signature; 4- or 8-byte sizes); 0 if none.
uint64_t MatchingDescriptorSize(std::span<const uint8_t> bytes, uint64_t at, const ZipEntry& e) {
  for (bool signed_form : {true, false}) {
    for (bool wide : {false, true}) {
      uint64_t size = (signed_form ? 4 : 0) + 4 + (wide ? 16 : 8);
      if (at > bytes.size() || bytes.size() - at < size) continue;
      const uint8_t* p = bytes.data() + at;
      if (signed_form && LoadLittleEndian<uint32_t>(p) != kDataDescriptorSignature) continue;
      if (signed_form) p += 4;
      uint64_t compressed =
          wide ? LoadLittleEndian<uint64_t>(p + 4) : LoadLittleEndian<uint32_t>(p + 4);
      uint64_t uncompressed =
          wide ? LoadLittleEndian<uint64_t>(p + 12) : LoadLittleEndian<uint32_t>(p + 8);
      if (LoadLittleEndian<uint32_t>(p) == e.crc32 && compressed == e.compressed_size &&
          uncompressed == e.uncompressed_size) {
        return size;
      }
    }
  }
  return 0;
}

// torch.save (through miniz) writes a descriptor after every entry, so one that repeats the
// central directory is normal (info). Every reader that matters here takes the sizes from
// the central directory, so a missing or different descriptor changes nothing torch.load
// reads; it only misleads tools that stream local headers: medium.
void CheckDescriptor(std::span<const uint8_t> bytes, ZipEntry& e, std::vector<Finding>& findings) {
  if ((e.flags & kFlagDataDescriptor) == 0) return;
  e.descriptor_size = MatchingDescriptorSize(bytes, e.data_offset + e.compressed_size, e);
  if (e.descriptor_size != 0) {
    Add(findings, Severity::kInfo, "zip.data_descriptor", e,
        "has a data descriptor that agrees with the central directory");
  } else {
    Add(findings, Severity::kMedium, "zip.data_descriptor", e,
        "flag bit 3 is set but no data descriptor after its data agrees with the central "
        "directory");
  }
}

Result<LocalFields> ParseFixed(std::span<const uint8_t> bytes, const ZipEntry& e) {
  uint64_t at = e.local_header_offset;
  if (at > bytes.size() || bytes.size() - at < kLocalHeaderSize) {
    return Status::InvalidArgument("its local header at offset " + to_string(at) +
                                   " lies past the end of the file");
  }
  const uint8_t* p = bytes.data() + at;
  if (LoadLittleEndian<uint32_t>(p) != kLocalHeaderSignature) {
    return Status::InvalidArgument("no local header signature at offset " + to_string(at));
  }
  LocalFields f;
  f.flags = LoadLittleEndian<uint16_t>(p + 6);
  f.method = LoadLittleEndian<uint16_t>(p + 8);
  f.crc32 = LoadLittleEndian<uint32_t>(p + 14);
  f.sizes.compressed = LoadLittleEndian<uint32_t>(p + 18);
  f.sizes.uncompressed = LoadLittleEndian<uint32_t>(p + 22);
  return f;
}

}  // namespace

void ReadLocalHeader(std::span<const uint8_t> bytes, ZipEntry& e, std::vector<Finding>& findings) {
  auto fields = ParseFixed(bytes, e);
  if (!fields.ok())
    return Unreadable(findings, e, "zip.bad_local_header", fields.status().message());
  ByteReader r(bytes.subspan(e.local_header_offset + 26));
  uint16_t name_size = *r.ReadU16();
  uint16_t extra_size = *r.ReadU16();
  auto name = r.ReadBytes(name_size);
  auto extra = name.ok() ? r.ReadBytes(extra_size) : name;
  if (!extra.ok()) {
    return Unreadable(findings, e, "zip.bad_local_header",
                      "the local header's name or extra field runs past the end of the file");
  }
  e.local_name.assign(reinterpret_cast<const char*>(name->data()), name->size());
  e.local_method = fields->method;
  e.local_flags = fields->flags;
  Status extra_ok = ApplyExtraFields(*extra, fields->sizes);
  if (!extra_ok.ok()) {
    Add(findings, Severity::kHigh, "zip.bad_extra_field", e, "local header: " + extra_ok.message());
  }
  CompareWithCentral(*fields, e, findings);
  uint64_t data_offset = e.local_header_offset + kLocalHeaderSize + name_size + extra_size;
  if (data_offset > bytes.size() || bytes.size() - data_offset < e.compressed_size) {
    return Unreadable(findings, e, "zip.entry_out_of_bounds",
                      "its " + to_string(e.compressed_size) + " bytes at offset " +
                          to_string(data_offset) + " run past the end of the file");
  }
  e.data_offset = data_offset;
  e.raw = bytes.subspan(e.data_offset, e.compressed_size);
  CheckDescriptor(bytes, e, findings);
}

}  // namespace bastion::model::zip
