#include "engine/kernels/matvec.h"

#include <cstring>
#include <string>
#include <vector>

#include "engine/kernels/half.h"

namespace bastion::engine {
namespace {

using model::GgmlType;

uint16_t Load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// Q8_0: blocks of 32: an F16 scale, then 32 int8 values.
void DequantizeQ8_0(const uint8_t* row, size_t cols, float* out) {
  for (size_t b = 0; b < cols / 32; ++b, row += 34) {
    float d = F16ToFloat(Load16(row));
    for (int i = 0; i < 32; ++i) out[b * 32 + i] = d * static_cast<int8_t>(row[2 + i]);
  }
}

// Q4_0: blocks of 32: an F16 scale, then 16 bytes; low nibbles are elements 0-15, high
// nibbles 16-31, each minus 8.
void DequantizeQ4_0(const uint8_t* row, size_t cols, float* out) {
  for (size_t b = 0; b < cols / 32; ++b, row += 18) {
    float d = F16ToFloat(Load16(row));
    for (int i = 0; i < 16; ++i) {
      out[b * 32 + i] = d * (static_cast<int>(row[2 + i] & 0x0F) - 8);
      out[b * 32 + i + 16] = d * (static_cast<int>(row[2 + i] >> 4) - 8);
    }
  }
}

size_t RowBytes(const WeightMatrix& w) {
  auto layout = model::GgmlLayout(w.type);
  return w.cols / layout.block_elements * layout.block_bytes;
}

}  // namespace

Status CheckMatVecType(GgmlType type) {
  switch (type) {
    case GgmlType::kF32:
    case GgmlType::kF16:
    case GgmlType::kBF16:
    case GgmlType::kQ8_0:
    case GgmlType::kQ4_0:
      return Status::Ok();
    default:
      return Status::InvalidArgument("the engine has no kernel for " +
                                     std::string(model::GgmlTypeName(type)) + " weights yet");
  }
}

void DequantizeRow(const WeightMatrix& w, size_t row, float* out) {
  const uint8_t* p = w.data.data() + row * RowBytes(w);
  switch (w.type) {
    case GgmlType::kF32:
      std::memcpy(out, p, w.cols * sizeof(float));
      break;
    case GgmlType::kF16:
      for (size_t i = 0; i < w.cols; ++i) out[i] = F16ToFloat(Load16(p + 2 * i));
      break;
    case GgmlType::kBF16:
      for (size_t i = 0; i < w.cols; ++i) out[i] = Bf16ToFloat(Load16(p + 2 * i));
      break;
    case GgmlType::kQ8_0:
      DequantizeQ8_0(p, w.cols, out);
      break;
    case GgmlType::kQ4_0:
      DequantizeQ4_0(p, w.cols, out);
      break;
    default:
      break;
  }
}

void MatVecReference(const WeightMatrix& w, const float* x, float* y) {
  thread_local std::vector<float> row;
  row.resize(w.cols);
  for (size_t r = 0; r < w.rows; ++r) {
    DequantizeRow(w, r, row.data());
    double sum = 0;
    for (size_t c = 0; c < w.cols; ++c) sum += static_cast<double>(row[c]) * x[c];
    y[r] = static_cast<float>(sum);
  }
}

}  // namespace bastion::engine
