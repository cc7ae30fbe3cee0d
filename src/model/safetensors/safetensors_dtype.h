#pragma once
// SafetensorsDtype: the element types bastion accepts in safetensors files, by their names in
// the header ("F32", "BF16", ...) and their sizes in bytes. Other names the format knows (U16,
// U32, U64, the 4- and 6-bit float types) are refused: no supported model ships them.

#include <cstdint>
#include <optional>
#include <string_view>

namespace bastion::model {

enum class SafetensorsDtype : uint8_t {
  kF64,
  kF32,
  kF16,
  kBF16,
  kI64,
  kI32,
  kI16,
  kI8,
  kU8,
  kBool,
  kF8E4M3,
  kF8E5M2,
};

// The name as written in the header, e.g. "F8_E4M3".
std::string_view SafetensorsDtypeName(SafetensorsDtype dtype);
// Bytes per element (1 for BOOL and the F8 types).
uint64_t SafetensorsDtypeSize(SafetensorsDtype dtype);
// The dtype with that exact (case-sensitive) header name; nullopt for any other name.
std::optional<SafetensorsDtype> SafetensorsDtypeFromName(std::string_view name);
// "F64, F32, ..." for error messages.
std::string_view SafetensorsDtypeNames();

}  // namespace bastion::model
