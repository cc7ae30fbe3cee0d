#pragma once
// The byte encoding of worker messages: little-endian integers and floats, strings and
// lists prefixed by a u32 count. WireReader keeps the first error and reads zeros after it,
// so a decoder reads every field and checks ok() once; every count is checked against the
// bytes left before anything is allocated. The bytes come from the worker, which parses
// model files and so is not trusted: nothing here may assume they are well formed.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/byte_reader.h"
#include "common/status.h"

namespace bastion::sandbox {

class WireWriter {
 public:
  template <typename T>
  WireWriter& Put(T value) {
    static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>);
    using U = std::make_unsigned_t<std::conditional_t<
        std::is_floating_point_v<T>, std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>, T>>;
    const U bits = std::bit_cast<U>(value);
    for (size_t i = 0; i < sizeof(T); ++i) out_.push_back(static_cast<char>(bits >> (8 * i)));
    return *this;
  }
  WireWriter& Str(std::string_view s) {
    Put(static_cast<uint32_t>(s.size()));
    out_.append(s);
    return *this;
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : reader_(bytes) {}

  template <typename T>
  T Get() {
    if (!status_.ok()) return T{};
    Result<T> v = ReadOne<T>();
    if (!v.ok()) {
      status_ = v.status();
      return T{};
    }
    return *v;
  }
  std::string Str();
  // A list's length, when `min_element_bytes` each still fit in what is left.
  uint32_t Count(size_t min_element_bytes);
  // Fails the read unless `value` is at most `max` (an enum's last value).
  uint8_t Enum(uint8_t max, const char* what);
  // OK when every field was read and nothing is left over.
  Status Finish();
  bool ok() const { return status_.ok(); }

 private:
  template <typename T>
  Result<T> ReadOne() {
    if constexpr (std::is_same_v<T, uint8_t>) return reader_.ReadU8();
    if constexpr (std::is_same_v<T, uint32_t>) return reader_.ReadU32();
    if constexpr (std::is_same_v<T, uint64_t>) return reader_.ReadU64();
    if constexpr (std::is_same_v<T, int32_t>) return reader_.ReadI32();
    if constexpr (std::is_same_v<T, int64_t>) return reader_.ReadI64();
    if constexpr (std::is_same_v<T, float>) return reader_.ReadF32();
  }

  ByteReader reader_;
  Status status_;
};

}  // namespace bastion::sandbox
