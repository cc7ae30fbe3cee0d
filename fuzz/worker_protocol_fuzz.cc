// What the gateway reads from an engine worker: frames whose bytes a compromised worker (one
// that a malicious model file took over) controls entirely. Decoding must never crash or
// allocate beyond the frame, and what decodes has one canonical encoding: encoding it and
// decoding that gives back the same bytes. (Input itself need not be canonical: an absent
// optional's value bytes and a flag's non-zero value are ignored.)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sandbox/worker_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion::sandbox;
  const std::string body(reinterpret_cast<const char*>(data), size);
  auto message = DecodeFrame(body);
  if (!message.ok()) return 0;
  const std::string frame = EncodeFrame(*message);
  if (frame.size() > body.size() + 4) std::abort();  // never larger than what came in
  auto again = DecodeFrame(std::string_view(frame).substr(4));
  if (!again.ok() || EncodeFrame(*again) != frame) std::abort();
  return 0;
}
