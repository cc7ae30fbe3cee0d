#include "common/byte_reader.h"

#include <string>

namespace bastion {

Status ByteReader::ShortRead(uint64_t need, const char* what) const {
  return Status::InvalidArgument("offset " + std::to_string(offset_) + ": need " +
                                 std::to_string(need) + " bytes for " + what + ", " +
                                 std::to_string(remaining()) + " left");
}

Result<std::span<const uint8_t>> ByteReader::ReadBytes(uint64_t n) {
  if (n > remaining()) return ShortRead(n, "a byte range");
  std::span<const uint8_t> out = bytes_.subspan(offset_, static_cast<size_t>(n));
  offset_ += static_cast<size_t>(n);
  return out;
}

Status ByteReader::Skip(uint64_t n) {
  if (n > remaining()) return ShortRead(n, "skipping");
  offset_ += static_cast<size_t>(n);
  return Status::Ok();
}

Result<std::string_view> ByteReader::ReadStringOfLength(uint64_t len, size_t prefix_at,
                                                        uint64_t max_len) {
  if (len > max_len) {
    offset_ = prefix_at;
    return Status::InvalidArgument("offset " + std::to_string(prefix_at) + ": string length " +
                                   std::to_string(len) + " exceeds the limit of " +
                                   std::to_string(max_len) + " bytes");
  }
  if (len > remaining()) {
    Status short_read = ShortRead(len, "a string");
    offset_ = prefix_at;
    return short_read;
  }
  std::string_view out(reinterpret_cast<const char*>(bytes_.data() + offset_),
                       static_cast<size_t>(len));
  offset_ += static_cast<size_t>(len);
  return out;
}

Result<std::string_view> ByteReader::ReadString64(uint64_t max_len) {
  size_t start = offset_;
  auto len = ReadU64();
  if (!len.ok()) return len.status();
  return ReadStringOfLength(*len, start, max_len);
}

Result<std::string_view> ByteReader::ReadString32(uint64_t max_len) {
  size_t start = offset_;
  auto len = ReadU32();
  if (!len.ok()) return len.status();
  return ReadStringOfLength(*len, start, max_len);
}

}  // namespace bastion
