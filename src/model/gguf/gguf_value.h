#pragma once
// GGUF metadata values: the 13 value types, arrays, and GgufValue, which holds one value as
// parsed from a file. Strings and arrays are views into the file's bytes: they stay valid as
// long as the GgufFile they came from (and, for GgufFile::Parse, the caller's buffer).
// Immutable after parsing; safe to read from many threads.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace bastion::model {

// Codes as stored in the file (GGUF's gguf_metadata_value_type).
enum class GgufType : uint32_t {
  kUint8 = 0,
  kInt8 = 1,
  kUint16 = 2,
  kInt16 = 3,
  kUint32 = 4,
  kInt32 = 5,
  kFloat32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kUint64 = 10,
  kInt64 = 11,
  kFloat64 = 12,
};
inline constexpr uint32_t kGgufTypeCount = 13;

// "uint8", "float32", "string", "array", ...; "unknown" for codes past float64.
std::string_view GgufTypeName(GgufType type);
// Bytes per value of a fixed-size type; 0 for string and array.
size_t GgufFixedSize(GgufType type);
bool IsGgufInteger(GgufType type);

// An array value: element type, count, and the elements as stored (little-endian; strings
// each with their u64 length prefix). Nested arrays do not exist (the parser refuses them).
class GgufArray {
 public:
  // `string_starts` (string arrays only): size()+1 offsets into `raw`, where element i's
  // length prefix starts, then raw.size(). The parser builds it once so StringAt is O(1).
  GgufArray(GgufType element_type, uint64_t count, std::span<const uint8_t> raw,
            std::vector<uint64_t> string_starts);

  GgufType element_type() const { return element_type_; }
  size_t size() const { return static_cast<size_t>(count_); }
  std::span<const uint8_t> raw() const { return raw_; }

  // REQUIRES: element_type() == kString and i < size().
  std::string_view StringAt(size_t i) const;
  // Element i of an integer array as int64 / uint64; nullopt if the array is not of integers
  // or the value does not fit (a negative value as uint64, a uint64 above INT64_MAX as int64).
  // REQUIRES: i < size().
  std::optional<int64_t> IntAt(size_t i) const;
  std::optional<uint64_t> UintAt(size_t i) const;
  // Element i of a float32 or float64 array; nullopt for other types. REQUIRES: i < size().
  std::optional<double> FloatAt(size_t i) const;
  // REQUIRES: element_type() == kBool and i < size().
  bool BoolAt(size_t i) const { return raw_[i] != 0; }

 private:
  GgufType element_type_;
  uint64_t count_;
  std::span<const uint8_t> raw_;
  std::vector<uint64_t> string_starts_;
};

class GgufValue {
 public:
  // Alternatives in GgufType order, so index() is the type code.
  using Storage = std::variant<uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float, bool,
                               std::string_view, GgufArray, uint64_t, int64_t, double>;

  explicit GgufValue(Storage value) : value_(std::move(value)) {}

  GgufType type() const { return static_cast<GgufType>(value_.index()); }
  const Storage& storage() const { return value_; }

  // Any integer type, if the value fits; nullopt otherwise.
  std::optional<uint64_t> AsUint() const;
  std::optional<int64_t> AsInt() const;
  // float32 or float64.
  std::optional<double> AsFloat() const;
  std::optional<bool> AsBool() const;
  std::optional<std::string_view> AsString() const;
  // nullptr unless an array.
  const GgufArray* AsArray() const { return std::get_if<GgufArray>(&value_); }

  // "uint32", "string", "array of int32": for messages.
  std::string TypeDescription() const;

 private:
  Storage value_;
};

// The GgufType of a C++ scalar type, for writers and typed reads.
template <typename T>
constexpr GgufType GgufTypeOf() {
  if constexpr (std::is_same_v<T, uint8_t>)
    return GgufType::kUint8;
  else if constexpr (std::is_same_v<T, int8_t>)
    return GgufType::kInt8;
  else if constexpr (std::is_same_v<T, uint16_t>)
    return GgufType::kUint16;
  else if constexpr (std::is_same_v<T, int16_t>)
    return GgufType::kInt16;
  else if constexpr (std::is_same_v<T, uint32_t>)
    return GgufType::kUint32;
  else if constexpr (std::is_same_v<T, int32_t>)
    return GgufType::kInt32;
  else if constexpr (std::is_same_v<T, float>)
    return GgufType::kFloat32;
  else if constexpr (std::is_same_v<T, bool>)
    return GgufType::kBool;
  else if constexpr (std::is_same_v<T, uint64_t>)
    return GgufType::kUint64;
  else if constexpr (std::is_same_v<T, int64_t>)
    return GgufType::kInt64;
  else {
    static_assert(std::is_same_v<T, double>, "not a GGUF scalar type");
    return GgufType::kFloat64;
  }
}

}  // namespace bastion::model
