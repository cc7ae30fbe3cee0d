#pragma once
// GgufFile: a parsed GGUF (v2 or v3) model file — metadata and tensor directory — with views
// of every tensor's bytes. Parsing is strict: a file either passes every structural check
// (bounded counts and lengths, no duplicate keys or tensor names, known tensor types, aligned
// and non-overlapping tensor ranges inside the file) or is refused with
// Status::InvalidArgument("gguf: ...") naming what is wrong and where. Nothing is allocated
// in proportion to a count before the count is checked against the bytes that remain.
//
// Lifetimes: keys, strings, arrays and tensor spans are views into the file's bytes. For
// Open(), the GgufFile owns the mapping and the views live as long as it (also across moves).
// For Parse(), the caller's buffer must outlive the GgufFile.
// Threading: immutable after parsing; any number of threads may read it.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "model/gguf/ggml_type.h"
#include "model/gguf/gguf_value.h"
#include "model/mapped_file.h"

namespace bastion::model {

inline constexpr uint32_t kGgufDefaultAlignment = 32;
inline constexpr uint32_t kGgufMaxAlignment = 1 << 20;
inline constexpr uint64_t kGgufMaxKeyBytes = 1 << 20;
inline constexpr uint64_t kGgufMaxStringBytes = 64 << 20;
// ggml's GGML_MAX_NAME (64) counts the terminating NUL.
inline constexpr uint64_t kGgufMaxTensorNameBytes = 63;

struct GgufKv {
  std::string_view key;
  GgufValue value;
};

struct GgufTensor {
  std::string_view name;
  GgmlType type;
  std::vector<uint64_t> dims;  // ggml order: dims[0] varies fastest
  uint64_t element_count;
  uint64_t offset;      // from the start of the data section; a multiple of the alignment
  uint64_t size_bytes;  // from the type's block layout and the dims
  std::span<const uint8_t> data;
};

class GgufFile {
 public:
  // Maps `path` read-only and parses it. The file must not be modified while open.
  static Result<GgufFile> Open(const std::string& path);
  // Parses bytes the caller owns (tests, fuzzing, files already in memory).
  static Result<GgufFile> Parse(std::span<const uint8_t> bytes);

  GgufFile(GgufFile&&) = default;
  GgufFile& operator=(GgufFile&&) = default;
  GgufFile(const GgufFile&) = delete;
  GgufFile& operator=(const GgufFile&) = delete;

  uint32_t version() const { return version_; }
  uint32_t alignment() const { return alignment_; }
  // Where the data section starts, from the start of the file.
  uint64_t data_offset() const { return data_offset_; }
  std::span<const uint8_t> bytes() const { return bytes_; }
  // Whether the bytes are a mapping of the file (Open) rather than the caller's (Parse).
  bool mapped() const { return !mapping_.bytes().empty(); }

  // In file order.
  const std::vector<GgufKv>& metadata() const { return metadata_; }
  const std::vector<GgufTensor>& tensors() const { return tensors_; }

  // nullptr when absent.
  const GgufValue* Find(std::string_view key) const;
  const GgufTensor* FindTensor(std::string_view name) const;

  // Typed reads. NotFound when the key is absent; InvalidArgument naming the actual type
  // when it is not the one asked for.
  Result<std::string_view> GetString(std::string_view key) const;
  // Any integer type whose value is >= 0.
  Result<uint64_t> GetUint(std::string_view key) const;
  // Any integer type whose value fits int64.
  Result<int64_t> GetInt(std::string_view key) const;
  // float32 or float64.
  Result<double> GetFloat(std::string_view key) const;
  Result<bool> GetBool(std::string_view key) const;
  Result<const GgufArray*> GetArray(std::string_view key) const;
  Result<std::vector<std::string_view>> GetStringArray(std::string_view key) const;
  // float32 or float64 elements (float64 narrowed).
  Result<std::vector<float>> GetFloatArray(std::string_view key) const;
  // Elements of any integer type that fit int64.
  Result<std::vector<int64_t>> GetIntArray(std::string_view key) const;

 private:
  friend class GgufParser;
  GgufFile() = default;

  Result<const GgufValue*> FindOrNotFound(std::string_view key) const;
  Status WrongType(std::string_view key, const GgufValue& value, std::string_view want) const;

  MappedFile mapping_;  // empty for Parse()
  std::span<const uint8_t> bytes_;
  uint32_t version_ = 0;
  uint32_t alignment_ = kGgufDefaultAlignment;
  uint64_t data_offset_ = 0;
  std::vector<GgufKv> metadata_;
  std::vector<GgufTensor> tensors_;
  std::unordered_map<std::string_view, size_t> metadata_index_;
  std::unordered_map<std::string_view, size_t> tensor_index_;
};

}  // namespace bastion::model
