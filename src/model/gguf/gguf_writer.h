#pragma once
// GgufWriter: builds a GGUF v3 file in memory from metadata and tensors, with the data
// section and every tensor aligned (tests, and generated demo models). Entries are written in
// the order they are added. Misuse (a duplicate key or tensor name, a tensor whose data does
// not match its type and dims) is remembered and reported by Finish(), so the Add calls stay
// simple. Not thread-safe.

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "model/gguf/ggml_type.h"
#include "model/gguf/gguf_file.h"
#include "model/gguf/gguf_value.h"

namespace bastion::model {

class GgufWriter {
 public:
  // REQUIRES: `alignment` is a power of two up to kGgufMaxAlignment. A non-default
  // alignment is written first, as general.alignment (uint32).
  explicit GgufWriter(uint32_t alignment = kGgufDefaultAlignment);

  // A scalar of the GGUF type matching T (uint8_t ... double, bool).
  template <typename T>
  void Add(std::string_view key, T value) {
    BeginKv(key, GgufTypeOf<T>());
    AppendScalar(value);
  }
  void AddString(std::string_view key, std::string_view value);
  template <typename T>
  void AddArray(std::string_view key, std::span<const T> values) {
    BeginKv(key, GgufType::kArray);
    AppendScalar(static_cast<uint32_t>(GgufTypeOf<T>()));
    AppendScalar(static_cast<uint64_t>(values.size()));
    for (const T& v : values) AppendScalar(v);
  }
  void AddStringArray(std::string_view key, std::span<const std::string> values);

  // `data` must hold exactly the tensor's bytes (GgmlTensorBytes); it is copied.
  void AddTensor(std::string_view name, GgmlType type, std::vector<uint64_t> dims,
                 std::span<const uint8_t> data);

  // The whole file, or the first misuse.
  Result<std::string> Finish() const;

 private:
  struct PendingTensor {
    std::string name;
    GgmlType type;
    std::vector<uint64_t> dims;
    std::string data;
  };

  void BeginKv(std::string_view key, GgufType type);
  static void AppendString(std::string& out, std::string_view text);
  template <typename T>
  void AppendScalar(T value) {
    AppendLittleEndian(metadata_, value);
  }
  template <typename T>
  static void AppendLittleEndian(std::string& out, T value) {
    using U = std::conditional_t<std::is_same_v<T, bool>, uint8_t, T>;
    auto bits = std::bit_cast<std::array<uint8_t, sizeof(U)>>(static_cast<U>(value));
    if constexpr (std::endian::native == std::endian::big) std::reverse(bits.begin(), bits.end());
    out.append(reinterpret_cast<const char*>(bits.data()), bits.size());
  }
  static void Pad(std::string& out, uint32_t alignment);

  uint32_t alignment_;
  std::string metadata_;  // the metadata entries, encoded
  uint64_t metadata_count_ = 0;
  std::unordered_set<std::string> keys_;
  std::vector<PendingTensor> tensors_;
  std::unordered_set<std::string> tensor_names_;
  Status first_error_;
};

}  // namespace bastion::model
