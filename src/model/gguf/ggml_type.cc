#include "model/gguf/ggml_type.h"

#include <limits>
#include <string>

namespace bastion::model {
namespace {

struct GgmlTypeInfo {
  std::string_view name;
  GgmlBlockLayout layout;  // {0, 0}: a ggml type bastion does not support
};

// Indexed by code. Block layouts from ggml-common.h (e.g. block_q4_K: half d, half dmin,
// 12 scale bytes, 128 nibble bytes = 144 bytes per 256 elements).
constexpr GgmlTypeInfo kTypes[] = {
    {"F32", {1, 4}},        {"F16", {1, 2}},        {"Q4_0", {32, 18}},     {"Q4_1", {32, 20}},
    {"Q4_2", {0, 0}},       {"Q4_3", {0, 0}},       {"Q5_0", {32, 22}},     {"Q5_1", {32, 24}},
    {"Q8_0", {32, 34}},     {"Q8_1", {32, 36}},     {"Q2_K", {256, 84}},    {"Q3_K", {256, 110}},
    {"Q4_K", {256, 144}},   {"Q5_K", {256, 176}},   {"Q6_K", {256, 210}},   {"Q8_K", {256, 292}},
    {"IQ2_XXS", {0, 0}},    {"IQ2_XS", {0, 0}},     {"IQ3_XXS", {0, 0}},    {"IQ1_S", {0, 0}},
    {"IQ4_NL", {0, 0}},     {"IQ3_S", {0, 0}},      {"IQ2_S", {0, 0}},      {"IQ4_XS", {0, 0}},
    {"I8", {1, 1}},         {"I16", {1, 2}},        {"I32", {1, 4}},        {"I64", {1, 8}},
    {"F64", {1, 8}},        {"IQ1_M", {0, 0}},      {"BF16", {1, 2}},       {"Q4_0_4_4", {0, 0}},
    {"Q4_0_4_8", {0, 0}},   {"Q4_0_8_8", {0, 0}},   {"TQ1_0", {0, 0}},      {"TQ2_0", {0, 0}},
    {"IQ4_NL_4_4", {0, 0}}, {"IQ4_NL_4_8", {0, 0}}, {"IQ4_NL_8_8", {0, 0}}, {"MXFP4", {0, 0}},
};
constexpr uint32_t kTypeCount = sizeof(kTypes) / sizeof(kTypes[0]);

}  // namespace

std::string_view GgmlTypeName(uint32_t code) {
  return code < kTypeCount ? kTypes[code].name : std::string_view("unknown");
}

std::optional<GgmlBlockLayout> GgmlLayout(uint32_t code) {
  if (code >= kTypeCount || kTypes[code].layout.block_elements == 0) return std::nullopt;
  return kTypes[code].layout;
}

Result<GgmlTensorSize> GgmlTensorBytes(uint32_t code, std::span<const uint64_t> dims) {
  std::optional<GgmlBlockLayout> layout = GgmlLayout(code);
  if (!layout && GgmlTypeName(code) == "unknown") {
    return Status::InvalidArgument("unknown ggml type " + std::to_string(code));
  }
  if (!layout) {
    return Status::InvalidArgument("ggml type " + std::string(GgmlTypeName(code)) + " (" +
                                   std::to_string(code) + ") is not supported");
  }
  if (dims.empty() || dims.size() > kGgmlMaxDims) {
    return Status::InvalidArgument(std::to_string(dims.size()) + " dimensions (expected 1 to 4)");
  }
  uint64_t elements = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0) {
      return Status::InvalidArgument("dimension " + std::to_string(i) + " is 0");
    }
    if (__builtin_mul_overflow(elements, dims[i], &elements) ||
        elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::InvalidArgument("the element count overflows at dimension " +
                                     std::to_string(i));
    }
  }
  if (dims[0] % layout->block_elements != 0) {
    return Status::InvalidArgument("dimension 0 (" + std::to_string(dims[0]) +
                                   ") is not a multiple of the " + std::string(GgmlTypeName(code)) +
                                   " block size " + std::to_string(layout->block_elements));
  }
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(elements / layout->block_elements, layout->block_bytes, &bytes)) {
    return Status::InvalidArgument("the byte size overflows");
  }
  return GgmlTensorSize{elements, bytes};
}

}  // namespace bastion::model
