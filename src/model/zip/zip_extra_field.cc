#include "model/zip/zip_extra_field.h"

#include <string>

#include "common/byte_reader.h"
#include "model/zip/zip_format.h"

namespace bastion::model::zip {
namespace {

Status ReplaceSentinel(ByteReader& zip64, uint64_t& value, const char* what) {
  if (value != kSentinel32) return Status::Ok();
  auto wide = zip64.ReadU64();
  if (!wide.ok()) {
    return Status::InvalidArgument(std::string("the ZIP64 extra field lacks the ") + what);
  }
  value = *wide;
  return Status::Ok();
}

Status ApplyZip64(std::span<const uint8_t> data, WideFields& fields) {
  ByteReader r(data);
  Status s = ReplaceSentinel(r, fields.uncompressed, "uncompressed size");
  if (s.ok()) s = ReplaceSentinel(r, fields.compressed, "compressed size");
  if (s.ok() && fields.has_offset) s = ReplaceSentinel(r, fields.offset, "local header offset");
  return s;
}

}  // namespace

Status ApplyExtraFields(std::span<const uint8_t> extra, WideFields& fields) {
  ByteReader r(extra);
  bool seen_zip64 = false;
  while (r.remaining() > 0) {
    size_t at = r.offset();
    auto id = r.ReadU16();
    auto size = id.ok() ? r.ReadU16() : Result<uint16_t>(id.status());
    auto data = size.ok() ? r.ReadBytes(*size) : Result<std::span<const uint8_t>>(size.status());
    if (!data.ok()) {
      return Status::InvalidArgument("the extra field record at byte " + std::to_string(at) +
                                     " runs past the extra field's end");
    }
    if (*id != kZip64ExtraId) continue;
    if (seen_zip64) return Status::InvalidArgument("two ZIP64 extra field records");
    seen_zip64 = true;
    Status s = ApplyZip64(*data, fields);
    if (!s.ok()) return s;
  }
  bool sentinel = fields.uncompressed == kSentinel32 || fields.compressed == kSentinel32 ||
                  (fields.has_offset && fields.offset == kSentinel32);
  if (sentinel && !seen_zip64) {
    return Status::InvalidArgument("a size or offset is 0xFFFFFFFF without a ZIP64 extra field");
  }
  return Status::Ok();
}

}  // namespace bastion::model::zip
