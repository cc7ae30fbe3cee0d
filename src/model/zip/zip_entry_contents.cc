#include "model/zip/zip_entry_contents.h"

#include <algorithm>
#include <string>
#include <utility>

#include "model/zip/zip_entry_name.h"
#include "model/zip/zip_inflate.h"

namespace bastion::model {
namespace {

using std::to_string;

// Initial buffer for an inflated entry: declared sizes are claims, so memory grows with what
// the data really produces.
constexpr uint64_t kInitialReserve = uint64_t{1} << 20;

std::string Name(const ZipEntry& e) { return zip::EntryLabel(e.name); }

Finding High(const char* rule, const ZipEntry& e, const std::string& detail) {
  return {Severity::kHigh, rule, Name(e) + ": " + detail};
}

std::optional<Finding> CompareCrc(const ZipEntry& e, uint32_t actual) {
  if (actual == e.crc32) return std::nullopt;
  return High("zip.bad_crc", e,
              "its contents have CRC-32 " + to_string(actual) + ", the central directory says " +
                  to_string(e.crc32));
}

// Inflates e.raw into `sink`, and reports any mismatch with the declared size as a finding.
std::optional<Finding> InflateChecked(const ZipEntry& e, const InflateSink& sink) {
  auto made = InflateRaw(e.raw, e.uncompressed_size, sink);
  if (!made.ok() && made.status().code() == StatusCode::kResourceExhausted) {
    return High("zip.size_mismatch", e,
                "its data inflates past the declared " + to_string(e.uncompressed_size) + " bytes");
  }
  if (!made.ok()) return High("zip.bad_deflate", e, made.status().message());
  if (*made != e.uncompressed_size) {
    return High("zip.size_mismatch", e,
                "its data inflates to " + to_string(*made) + " bytes, not the declared " +
                    to_string(e.uncompressed_size));
  }
  return std::nullopt;
}

}  // namespace

ZipEntryContents ZipEntryContents::View(std::span<const uint8_t> bytes) {
  ZipEntryContents c;
  c.view_ = bytes;
  return c;
}

ZipEntryContents ZipEntryContents::Own(std::vector<uint8_t> bytes) {
  ZipEntryContents c;
  c.buffer_ = std::move(bytes);
  c.owned_ = true;
  return c;
}

std::optional<Finding> VerifyEntry(const ZipEntry& e, uint64_t max_inflate) {
  if (!e.readable) return std::nullopt;  // already reported when the archive was read
  Crc32 crc;
  if (e.stored()) {
    crc.Update(e.raw);
    return CompareCrc(e, crc.value());
  }
  if (e.uncompressed_size > max_inflate) {
    return High("zip.too_large", e,
                "declares " + to_string(e.uncompressed_size) +
                    " uncompressed bytes, over the limit of " + to_string(max_inflate) +
                    "; its contents are not inspected");
  }
  auto problem = InflateChecked(e, [&crc](std::span<const uint8_t> piece) { crc.Update(piece); });
  if (problem) return problem;
  return CompareCrc(e, crc.value());
}

Result<ZipEntryContents> ReadEntryContents(const ZipEntry& e, uint64_t max_size) {
  if (!e.readable) {
    return Status::FailedPrecondition("zip: " + Name(e) + " cannot be read (see the findings)");
  }
  if (e.uncompressed_size > max_size) {
    return Status::ResourceExhausted("zip: " + Name(e) + " declares " +
                                     to_string(e.uncompressed_size) + " bytes, over the limit of " +
                                     to_string(max_size));
  }
  std::optional<Finding> problem;
  Crc32 crc;
  std::vector<uint8_t> buffer;
  if (e.stored()) {
    crc.Update(e.raw);
  } else {
    buffer.reserve(static_cast<size_t>(std::min(e.uncompressed_size, kInitialReserve)));
    problem = InflateChecked(e, [&buffer, &crc](std::span<const uint8_t> piece) {
      buffer.insert(buffer.end(), piece.begin(), piece.end());
      crc.Update(piece);
    });
  }
  if (!problem) problem = CompareCrc(e, crc.value());
  if (problem) return Status::InvalidArgument("zip: " + problem->detail);
  if (e.stored()) return ZipEntryContents::View(e.raw);
  return ZipEntryContents::Own(std::move(buffer));
}

}  // namespace bastion::model
