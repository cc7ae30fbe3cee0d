#pragma once
// SafetensorsFile: a parsed safetensors file (Hugging Face's format: an 8-byte little-endian
// header size, a JSON header, then the tensors' bytes), with a view of every tensor's data.
// Parsing is strict, so that every reader of the file sees the same tensors and no bytes
// hide in it: the header is one JSON object with no duplicate keys, padded at its end with
// spaces only; each tensor entry has exactly "dtype", "shape" and "data_offsets", a known
// dtype, a rank of at most 8 and a byte size (computed with overflow checks) equal to its
// range; the ranges, sorted, tile the data region from its first byte to the end of the file
// without gaps or overlaps. Anything else is refused with Status::InvalidArgument
// ("safetensors: <file>: ...") naming what is wrong and where.
//
// Tensor data is not aligned to its element size (the format promises no alignment): read
// elements with LoadLittleEndian or memcpy, never through a cast pointer.
//
// Lifetimes: tensor spans are views into the file's bytes. For Open(), the SafetensorsFile
// owns the mapping and the views live as long as it (also across moves). For Parse(), the
// caller's buffer must outlive the SafetensorsFile.
// Threading: immutable after parsing; any number of threads may read it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/mapped_file.h"
#include "model/safetensors/safetensors_dtype.h"

namespace bastion::model {

// The header's size limit, as in Hugging Face's reader (which uses 100 MB).
inline constexpr uint64_t kSafetensorsMaxHeaderBytes = uint64_t{100} << 20;
inline constexpr size_t kSafetensorsMaxRank = 8;
inline constexpr size_t kSafetensorsMaxNameBytes = 1024;

struct SafetensorsTensor {
  std::string name;
  SafetensorsDtype dtype;
  std::vector<uint64_t> shape;  // row-major: the last dimension varies fastest; [] is a scalar
  uint64_t offset;              // from the start of the data region (the byte after the header)
  uint64_t size;                // bytes: the product of the shape times the dtype's size
  std::span<const uint8_t> data;
};

class SafetensorsFile {
 public:
  // Maps `path` read-only and parses it. The file must not be modified while open. Errors
  // name the path.
  static Result<SafetensorsFile> Open(const std::string& path);
  // Parses bytes the caller owns (tests, fuzzing, files already in memory). `origin` names
  // the bytes in errors (a path, "upload", ...).
  static Result<SafetensorsFile> Parse(std::span<const uint8_t> bytes, std::string origin);

  SafetensorsFile(SafetensorsFile&&) = default;
  SafetensorsFile& operator=(SafetensorsFile&&) = default;
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& origin() const { return origin_; }
  std::span<const uint8_t> bytes() const { return bytes_; }
  // Where the data region starts, from the start of the file (8 + the header's size).
  uint64_t data_offset() const { return data_offset_; }

  // In the order of the header's entries (not necessarily the order of their data).
  const std::vector<SafetensorsTensor>& tensors() const { return tensors_; }
  // O(log n); nullptr when absent.
  const SafetensorsTensor* Find(std::string_view name) const;
  // The header's "__metadata__" (empty when absent).
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  SafetensorsFile() = default;
  Status Load(std::span<const uint8_t> bytes);
  Status PlaceTensors();

  MappedFile mapping_;  // empty for Parse()
  std::span<const uint8_t> bytes_;
  std::string origin_;
  uint64_t data_offset_ = 0;
  std::vector<SafetensorsTensor> tensors_;
  std::vector<size_t> by_name_;  // indices into tensors_, sorted by name
  std::map<std::string, std::string> metadata_;
};

}  // namespace bastion::model
