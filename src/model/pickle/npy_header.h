#pragma once
// The header of a NumPy .npy file: magic "\x93NUMPY", version 1.0, 2.0 or 3.0, a header
// length (u16 for 1.0, u32 after), then a Python dict literal with 'descr', 'fortran_order'
// and 'shape'. An object dtype ('|O', or an 'O' field of a structured dtype) means the data
// is a pickle at data_offset, which numpy.load unpickles when allow_pickle=True.
//
// Parsing reads only the header (capped at kMaxNpyHeaderBytes) and never evaluates the
// literal: it accepts just the grammar numpy writes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/intake/finding.h"

namespace bastion::model {

inline constexpr size_t kMaxNpyHeaderBytes = size_t{1} << 20;
inline constexpr size_t kMaxNpyDims = 64;

struct NpyHeader {
  int major = 0;
  int minor = 0;
  uint64_t data_offset = 0;  // first byte after the header
  std::string descr;         // the dtype string, or the list literal of a structured dtype
  bool structured = false;   // descr is a list of fields
  bool fortran_order = false;
  std::vector<uint64_t> shape;
  bool object_dtype = false;
  // Bytes per element for a simple descr numpy can size ('<f4' 4, '<U3' 12, '|O' 8 as a
  // pointer but the data is a pickle); nullopt for structured or unsized dtypes.
  std::optional<uint64_t> itemsize;
};

// Errors name the offset or the part of the header that is wrong.
Result<NpyHeader> ParseNpyHeader(std::span<const uint8_t> bytes);

// Findings for a whole .npy file: npy.malformed (high) when the header does not parse; for an
// object dtype, npy.object_array (info) and the findings of ScanPickle on the data; otherwise
// npy.size_mismatch (medium) when shape x itemsize differs from the bytes after the header.
std::vector<Finding> ScanNpy(std::span<const uint8_t> bytes);

}  // namespace bastion::model
