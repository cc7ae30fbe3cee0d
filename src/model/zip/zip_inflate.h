#pragma once
// CRC-32 and raw-deflate decompression (zlib), both incremental, so that a multi-gigabyte
// entry can be checked without holding it and a zip bomb cannot exhaust memory.
//
// Threading: a Crc32 is a plain value; InflateRaw keeps no state between calls.

#include <cstdint>
#include <functional>
#include <span>

#include "common/status.h"

namespace bastion::model {

// The CRC-32 of ZIP and zlib, fed in pieces of any size.
class Crc32 {
 public:
  void Update(std::span<const uint8_t> bytes);
  uint32_t value() const { return value_; }

 private:
  uint32_t value_ = 0;
};

// Receives decompressed bytes; the span is valid only during the call.
using InflateSink = std::function<void(std::span<const uint8_t>)>;

// Decompresses the raw deflate stream `input` (no zlib or gzip header, as in ZIP), handing
// the output to `sink` in pieces of at most 64 KiB, and returns the number of bytes made.
// Fails with ResourceExhausted as soon as the output would pass `max_output` bytes, and
// with InvalidArgument when the stream is corrupt, ends before its last block, or is
// followed by bytes it does not use (data hidden after the stream).
Result<uint64_t> InflateRaw(std::span<const uint8_t> input, uint64_t max_output,
                            const InflateSink& sink);

}  // namespace bastion::model
