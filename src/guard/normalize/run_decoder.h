#pragma once
// Decoding an encoded run (encoded_runs.h) into text, with each decoded byte's origin in the
// original input, and deciding whether the result is text at all: a run of letters that
// happens to be valid base64 decodes to binary noise, which is dropped.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "guard/normalize/encoded_runs.h"
#include "guard/normalize/origin_map.h"

namespace bastion::guard {

struct DecodedText {
  std::string bytes;
  std::vector<uint32_t> origin;  // origin[i]: where in the input bytes[i] was encoded
};

// Decodes run (found in `bytes`, whose origins map to the input) into out, replacing its
// contents. Returns false, leaving out unspecified, when the run does not decode to mostly
// printable UTF-8 (IsMostlyPrintable).
bool DecodeRun(std::string_view bytes, const EncodedRun& run, OriginMap origins, DecodedText& out);

// At least 90% of the code points are printable (invalid UTF-8 bytes count as unprintable
// code points) and there is at least one.
bool IsMostlyPrintable(std::string_view bytes);

}  // namespace bastion::guard
