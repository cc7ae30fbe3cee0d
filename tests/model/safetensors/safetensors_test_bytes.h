#pragma once
// Hand-built safetensors bytes for tests of the reader's checks: the header text is written
// verbatim, so a test can put anything in it (duplicate keys, a float dimension, bad padding).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/safetensors/safetensors_file.h"

namespace bastion::model::testing {

// The 8-byte little-endian size of `header`, `header`, then `data`.
inline std::string SafetensorsBytes(std::string_view header, std::string_view data = "") {
  std::string out;
  for (size_t i = 0; i < 8; ++i)
    out.push_back(static_cast<char>(uint64_t{header.size()} >> (8 * i)));
  return out.append(header).append(data);
}

// A header with the single tensor 'w' whose entry is the JSON text `entry`.
inline std::string OneTensorHeader(std::string_view entry) {
  return "{\"w\":" + std::string(entry) + "}";
}

inline std::span<const uint8_t> AsSpan(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// REQUIRES: `s` outlives the result (its views point into `s`); hence no temporaries.
inline Result<SafetensorsFile> ParseSafetensors(std::string_view s) {
  return SafetensorsFile::Parse(AsSpan(s), "test.safetensors");
}
Result<SafetensorsFile> ParseSafetensors(std::string&& s) = delete;

// The message of a parse that must fail ("" if it unexpectedly succeeded).
inline std::string SafetensorsError(std::string_view s) {
  auto f = ParseSafetensors(s);
  return f.ok() ? std::string() : f.status().message();
}

}  // namespace bastion::model::testing
