#include "model/gguf/gguf_value.h"

#include <limits>
#include <string>

#include "common/byte_reader.h"

namespace bastion::model {
namespace {

constexpr std::string_view kTypeNames[] = {"uint8",  "int8",    "uint16", "int16",  "uint32",
                                           "int32",  "float32", "bool",   "string", "array",
                                           "uint64", "int64",   "float64"};
constexpr size_t kFixedSizes[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};

std::optional<int64_t> ToInt64(uint64_t v) {
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<uint64_t> ToUint64(int64_t v) {
  if (v < 0) return std::nullopt;
  return static_cast<uint64_t>(v);
}

// An integer element as stored: unsigned types keep their full 64-bit range.
struct DecodedInt {
  bool is_unsigned;
  uint64_t unsigned_value;
  int64_t signed_value;
};

std::optional<DecodedInt> DecodeInt(GgufType type, const uint8_t* p) {
  switch (type) {
    case GgufType::kUint8:
      return DecodedInt{true, LoadLittleEndian<uint8_t>(p), 0};
    case GgufType::kUint16:
      return DecodedInt{true, LoadLittleEndian<uint16_t>(p), 0};
    case GgufType::kUint32:
      return DecodedInt{true, LoadLittleEndian<uint32_t>(p), 0};
    case GgufType::kUint64:
      return DecodedInt{true, LoadLittleEndian<uint64_t>(p), 0};
    case GgufType::kInt8:
      return DecodedInt{false, 0, LoadLittleEndian<int8_t>(p)};
    case GgufType::kInt16:
      return DecodedInt{false, 0, LoadLittleEndian<int16_t>(p)};
    case GgufType::kInt32:
      return DecodedInt{false, 0, LoadLittleEndian<int32_t>(p)};
    case GgufType::kInt64:
      return DecodedInt{false, 0, LoadLittleEndian<int64_t>(p)};
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view GgufTypeName(GgufType type) {
  auto code = static_cast<uint32_t>(type);
  return code < kGgufTypeCount ? kTypeNames[code] : std::string_view("unknown");
}

size_t GgufFixedSize(GgufType type) {
  auto code = static_cast<uint32_t>(type);
  return code < kGgufTypeCount ? kFixedSizes[code] : 0;
}

bool IsGgufInteger(GgufType type) {
  return type != GgufType::kFloat32 && type != GgufType::kFloat64 && type != GgufType::kBool &&
         GgufFixedSize(type) != 0;
}

GgufArray::GgufArray(GgufType element_type, uint64_t count, std::span<const uint8_t> raw,
                     std::vector<uint64_t> string_starts)
    : element_type_(element_type),
      count_(count),
      raw_(raw),
      string_starts_(std::move(string_starts)) {}

std::string_view GgufArray::StringAt(size_t i) const {
  uint64_t start = string_starts_[i] + sizeof(uint64_t);
  return {reinterpret_cast<const char*>(raw_.data() + start),
          static_cast<size_t>(string_starts_[i + 1] - start)};
}

std::optional<int64_t> GgufArray::IntAt(size_t i) const {
  auto v = DecodeInt(element_type_, raw_.data() + i * GgufFixedSize(element_type_));
  if (!v) return std::nullopt;
  return v->is_unsigned ? ToInt64(v->unsigned_value) : v->signed_value;
}

std::optional<uint64_t> GgufArray::UintAt(size_t i) const {
  auto v = DecodeInt(element_type_, raw_.data() + i * GgufFixedSize(element_type_));
  if (!v) return std::nullopt;
  return v->is_unsigned ? v->unsigned_value : ToUint64(v->signed_value);
}

std::optional<double> GgufArray::FloatAt(size_t i) const {
  if (element_type_ == GgufType::kFloat32) return LoadLittleEndian<float>(raw_.data() + i * 4);
  if (element_type_ == GgufType::kFloat64) return LoadLittleEndian<double>(raw_.data() + i * 8);
  return std::nullopt;
}

std::optional<uint64_t> GgufValue::AsUint() const {
  return std::visit(
      [](const auto& v) -> std::optional<uint64_t> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          if constexpr (std::is_signed_v<T>) return ToUint64(v);
          return static_cast<uint64_t>(v);
        }
        return std::nullopt;
      },
      value_);
}

std::optional<int64_t> GgufValue::AsInt() const {
  return std::visit(
      [](const auto& v) -> std::optional<int64_t> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          if constexpr (std::is_unsigned_v<T>) return ToInt64(v);
          return static_cast<int64_t>(v);
        }
        return std::nullopt;
      },
      value_);
}

std::optional<double> GgufValue::AsFloat() const {
  if (const float* f = std::get_if<float>(&value_)) return *f;
  if (const double* d = std::get_if<double>(&value_)) return *d;
  return std::nullopt;
}

std::optional<bool> GgufValue::AsBool() const {
  if (const bool* b = std::get_if<bool>(&value_)) return *b;
  return std::nullopt;
}

std::optional<std::string_view> GgufValue::AsString() const {
  if (const std::string_view* s = std::get_if<std::string_view>(&value_)) return *s;
  return std::nullopt;
}

std::string GgufValue::TypeDescription() const {
  if (const GgufArray* a = AsArray()) {
    return "an array of " + std::string(GgufTypeName(a->element_type()));
  }
  std::string_view name = GgufTypeName(type());
  return (name.front() == 'a' || name.front() == 'i' ? "an " : "a ") + std::string(name);
}

}  // namespace bastion::model
