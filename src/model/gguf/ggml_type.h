#pragma once
// ggml tensor types: the numeric codes GGUF stores, their names, and the block layout
// (elements per block, bytes per block) that gives a tensor's size. Codes follow ggml's
// `enum ggml_type`; bastion computes sizes only for the types its engine can use and refuses
// the others (the IQ*, TQ* and MXFP4 quantizations) with a clear message.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "common/status.h"

namespace bastion::model {

enum class GgmlType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ8_1 = 9,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kI8 = 24,
  kI16 = 25,
  kI32 = 26,
  kI64 = 27,
  kF64 = 28,
  kBF16 = 30,
};

struct GgmlBlockLayout {
  uint32_t block_elements;  // elements per block; dim 0 must be a multiple of it
  uint32_t block_bytes;     // bytes per block
};

// "Q4_K", "F32", ...; also names the ggml types bastion does not support ("IQ2_XXS"), and
// "unknown" for codes ggml does not define.
std::string_view GgmlTypeName(uint32_t code);
inline std::string_view GgmlTypeName(GgmlType type) {
  return GgmlTypeName(static_cast<uint32_t>(type));
}

// The layout of a supported type, or nullopt for any other code.
std::optional<GgmlBlockLayout> GgmlLayout(uint32_t code);
inline GgmlBlockLayout GgmlLayout(GgmlType type) {
  return *GgmlLayout(static_cast<uint32_t>(type));
}

struct GgmlTensorSize {
  uint64_t elements;
  uint64_t bytes;
};

// The element count and byte size of a tensor of `type` with `dims` (ggml order: dims[0] varies
// fastest). Refuses unsupported types, 0 or more than 4 dims, zero dims, element counts that
// overflow int64 (ggml's limit), and dims[0] not a multiple of the block size. Messages have no
// prefix; callers say which tensor.
Result<GgmlTensorSize> GgmlTensorBytes(uint32_t code, std::span<const uint64_t> dims);

inline constexpr size_t kGgmlMaxDims = 4;

}  // namespace bastion::model
