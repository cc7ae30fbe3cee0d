#pragma once
// Hand-built GGUF bytes for tests of the reader's checks: every field written explicitly, so
// a test can put any value anywhere (a count of 2^63, a nested array, a misaligned offset).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/gguf/gguf_file.h"

namespace bastion::model::testing {

class GgufBytes {
 public:
  GgufBytes& U8(uint8_t v) { return Le(v); }
  GgufBytes& U32(uint32_t v) { return Le(v); }
  GgufBytes& U64(uint64_t v) { return Le(v); }
  GgufBytes& Raw(std::string_view bytes) {
    bytes_.append(bytes);
    return *this;
  }
  // A GGUF string: u64 length, then the bytes.
  GgufBytes& Str(std::string_view text) { return U64(text.size()).Raw(text); }
  GgufBytes& Header(uint32_t version, uint64_t tensors, uint64_t kvs) {
    return Raw("GGUF").U32(version).U64(tensors).U64(kvs);
  }
  // A key and its u32 type code; the value follows.
  GgufBytes& Key(std::string_view key, uint32_t type) { return Str(key).U32(type); }
  GgufBytes& Tensor(std::string_view name, std::vector<uint64_t> dims, uint32_t type,
                    uint64_t offset) {
    Str(name).U32(static_cast<uint32_t>(dims.size()));
    for (uint64_t d : dims) U64(d);
    return U32(type).U64(offset);
  }
  GgufBytes& PadTo(size_t alignment) {
    bytes_.append((alignment - bytes_.size() % alignment) % alignment, '\0');
    return *this;
  }
  GgufBytes& Zeros(size_t n) {
    bytes_.append(n, '\0');
    return *this;
  }
  const std::string& str() const { return bytes_; }

 private:
  template <typename T>
  GgufBytes& Le(T v) {
    for (size_t i = 0; i < sizeof(T); ++i) bytes_.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  std::string bytes_;
};

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// REQUIRES: `s` outlives the result (its views point into `s`); hence no temporaries.
inline Result<GgufFile> ParseGguf(std::string_view s) { return GgufFile::Parse(AsBytes(s)); }
Result<GgufFile> ParseGguf(std::string&& s) = delete;

// The message of a parse that must fail ("" if it unexpectedly succeeded).
inline std::string ParseError(std::string_view s) {
  auto f = ParseGguf(s);
  return f.ok() ? std::string() : f.status().message();
}

}  // namespace bastion::model::testing
