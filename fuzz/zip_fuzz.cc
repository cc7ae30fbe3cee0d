// Zip archives in model folders are untrusted bytes: the reader lists them, checks every
// entry (CRC-32, sizes, inflating through its fixed buffer), then every entry's contents
// are read as the scanner would, with a small cap so that bombs stay cheap.
#include <cstddef>
#include <cstdint>
#include <span>

#include "model/zip/zip_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion::model;
  constexpr uint64_t kCap = uint64_t{1} << 20;
  volatile uint64_t sink = 0;
  std::span<const uint8_t> bytes(data, size);
  sink = sink + LooksLikeZip(bytes);
  auto archive = ReadZip(bytes, {.max_entries = 4096, .max_inflate = kCap});
  if (!archive.ok()) return 0;
  sink = sink + archive->findings.size() + AnyUnsafe(archive->findings) + archive->comment.size();
  VisitEntries(*archive, kCap, [&sink](const ZipEntry& e, const auto& contents) {
    sink = sink + e.name.size() + e.local_name.size() + e.end_offset() + e.raw.size();
    if (!e.raw.empty()) sink = sink + e.raw.front() + e.raw.back();
    if (contents.ok() && !contents->bytes().empty()) {
      sink = sink + contents->bytes().front() + contents->bytes().back();
    }
  });
  for (const ZipEntry& e : archive->entries) sink = sink + (archive->Find(e.name) != nullptr);
  return 0;
}
