#pragma once
// ByteReader: the one way to read untrusted binary data. Reads little-endian integers and
// floats and length-prefixed byte strings from a borrowed buffer, checking every length
// against what is left, and reports failures as Status::InvalidArgument naming the offset
// ("offset 40: need 8 bytes for a u64, 3 left"). A failed read consumes nothing.
//
// Not thread-safe (it has a cursor). The buffer must outlive the reader and every view it
// returns.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

#include "common/status.h"

namespace bastion {

// Decodes a little-endian integer or IEEE float from the first sizeof(T) bytes at `p`.
// REQUIRES: p points to at least sizeof(T) readable bytes.
template <typename T>
T LoadLittleEndian(const uint8_t* p) {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>);
  using U = std::make_unsigned_t<std::conditional_t<
      std::is_floating_point_v<T>, std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>, T>>;
  U bits = 0;
  for (size_t i = 0; i < sizeof(T); ++i) bits |= static_cast<U>(static_cast<U>(p[i]) << (8 * i));
  return std::bit_cast<T>(bits);
}

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  explicit ByteReader(std::string_view bytes)
      : bytes_(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()) {}

  size_t offset() const { return offset_; }
  size_t size() const { return bytes_.size(); }
  size_t remaining() const { return bytes_.size() - offset_; }

  Result<uint8_t> ReadU8() { return Read<uint8_t>("a u8"); }
  Result<uint16_t> ReadU16() { return Read<uint16_t>("a u16"); }
  Result<uint32_t> ReadU32() { return Read<uint32_t>("a u32"); }
  Result<uint64_t> ReadU64() { return Read<uint64_t>("a u64"); }
  Result<int8_t> ReadI8() { return Read<int8_t>("an i8"); }
  Result<int16_t> ReadI16() { return Read<int16_t>("an i16"); }
  Result<int32_t> ReadI32() { return Read<int32_t>("an i32"); }
  Result<int64_t> ReadI64() { return Read<int64_t>("an i64"); }
  Result<float> ReadF32() { return Read<float>("an f32"); }
  Result<double> ReadF64() { return Read<double>("an f64"); }

  // The next `n` bytes, as a view into the buffer.
  Result<std::span<const uint8_t>> ReadBytes(uint64_t n);
  // A byte string prefixed by its length as a u64 (GGUF, safetensors); `max_len` caps the
  // length before it is compared with what is left.
  Result<std::string_view> ReadString64(uint64_t max_len);
  // The same with a u32 length prefix.
  Result<std::string_view> ReadString32(uint64_t max_len);
  Status Skip(uint64_t n);

 private:
  template <typename T>
  Result<T> Read(const char* what) {
    if (remaining() < sizeof(T)) return ShortRead(sizeof(T), what);
    T value = LoadLittleEndian<T>(bytes_.data() + offset_);
    offset_ += sizeof(T);
    return value;
  }
  Status ShortRead(uint64_t need, const char* what) const;
  Result<std::string_view> ReadStringOfLength(uint64_t len, size_t prefix_at, uint64_t max_len);

  std::span<const uint8_t> bytes_;
  size_t offset_ = 0;
};

}  // namespace bastion
