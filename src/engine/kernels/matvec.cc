#include "engine/kernels/matvec.h"

#include <cstring>
#include <string>
#include <vector>

#include "engine/kernels/half.h"
#include "engine/kernels/q8_0_packed.h"

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

// Q4_K: super-blocks of 256: F16 d and dmin, 12 bytes packing 8 six-bit scales and mins,
// then 128 bytes of 4-bit quants; sub-block j (32 elements) is d*scale_j*q - dmin*min_j.
void ScaleMinK4(int j, const uint8_t* s, int& scale, int& min) {
  if (j < 4) {
    scale = s[j] & 63;
    min = s[j + 4] & 63;
  } else {
    scale = (s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4);
    min = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
  }
}

void DequantizeQ4_K(const uint8_t* row, size_t cols, float* out) {
  for (size_t b = 0; b < cols / 256; ++b, row += 144, out += 256) {
    float d = F16ToFloat(Load16(row)), dmin = F16ToFloat(Load16(row + 2));
    const uint8_t* scales = row + 4;
    const uint8_t* q = row + 16;
    for (int g = 0; g < 4; ++g, q += 32) {
      int sc1, m1, sc2, m2;
      ScaleMinK4(2 * g, scales, sc1, m1);
      ScaleMinK4(2 * g + 1, scales, sc2, m2);
      for (int l = 0; l < 32; ++l) {
        out[g * 64 + l] = d * sc1 * (q[l] & 0x0F) - dmin * m1;
        out[g * 64 + 32 + l] = d * sc2 * (q[l] >> 4) - dmin * m2;
      }
    }
  }
}

// Q6_K: super-blocks of 256: 128 bytes of low nibbles, 64 of high bit pairs, 16 int8 scales
// (one per 16 elements), F16 d; element = d*scale*(q - 32).
void DequantizeQ6_K(const uint8_t* row, size_t cols, float* out) {
  for (size_t b = 0; b < cols / 256; ++b, row += 210, out += 256) {
    const uint8_t* ql = row;
    const uint8_t* qh = row + 128;
    const auto* sc = reinterpret_cast<const int8_t*>(row + 192);
    float d = F16ToFloat(Load16(row + 208));
    for (int n = 0; n < 2; ++n, ql += 64, qh += 32, sc += 8) {
      for (int l = 0; l < 32; ++l) {
        int is = l / 16;
        int q1 = ((ql[l] & 0x0F) | ((qh[l] & 3) << 4)) - 32;
        int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
        int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        float* y = out + n * 128;
        y[l] = d * sc[is] * q1;
        y[l + 32] = d * sc[is + 2] * q2;
        y[l + 64] = d * sc[is + 4] * q3;
        y[l + 96] = d * sc[is + 6] * q4;
      }
    }
  }
}

}  // namespace

size_t RowBytes(const WeightMatrix& w) {
  auto layout = model::GgmlLayout(w.type);
  return w.cols / layout.block_elements * layout.block_bytes;
}

Status CheckMatVecType(GgmlType type) {
  switch (type) {
    case GgmlType::kF32:
    case GgmlType::kF16:
    case GgmlType::kBF16:
    case GgmlType::kQ8_0:
    case GgmlType::kQ4_0:
    case GgmlType::kQ4_K:
    case GgmlType::kQ6_K:
      return Status::Ok();
    default:
      return Status::InvalidArgument("the engine has no kernel for " +
                                     std::string(model::GgmlTypeName(type)) + " weights yet");
  }
}

void DequantizeRow(const WeightMatrix& w, size_t row, float* out) {
  if (w.layout == WeightLayout::kQ8_0x16) return DequantizePackedQ8_0Row(w, row, out);
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
    case GgmlType::kQ4_K:
      DequantizeQ4_K(p, w.cols, out);
      break;
    case GgmlType::kQ6_K:
      DequantizeQ6_K(p, w.cols, out);
      break;
    default:
      break;
  }
}

void MatVecReference(const WeightMatrix& w, const float* x, float* y) {
  MatVecReferenceRows(w, 0, w.rows, x, y);
}

void MatVecReferenceRows(const WeightMatrix& w, size_t begin, size_t end, const float* x,
                         float* y) {
  thread_local std::vector<float> row;
  row.resize(w.cols);
  for (size_t r = begin; r < end; ++r) {
    DequantizeRow(w, r, row.data());
    double sum = 0;
    for (size_t c = 0; c < w.cols; ++c) sum += static_cast<double>(row[c]) * x[c];
    y[r] = static_cast<float>(sum);
  }
}

}  // namespace bastion::engine
