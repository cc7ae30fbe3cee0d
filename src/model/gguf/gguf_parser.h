#pragma once
// Internal to GgufFile: the checks and the parse, one section of the file at a time.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/byte_reader.h"
#include "common/status.h"
#include "model/gguf/gguf_file.h"

namespace bastion::model {

// `text` quoted for an error message: at most 80 bytes, non-printable bytes as \xNN.
std::string QuoteForMessage(std::string_view text);

class GgufParser {
 public:
  GgufParser(std::span<const uint8_t> bytes, GgufFile& out) : reader_(bytes), out_(out) {
    out_.bytes_ = bytes;
  }

  // Fills `out` or explains why the bytes are not an acceptable GGUF file.
  Status Run();

 private:
  Status ReadHeader(uint64_t& tensor_count, uint64_t& kv_count);
  Status ReadMetadata(uint64_t kv_count);
  Result<GgufValue> ReadValue(GgufType type, const std::string& where);
  Result<GgufValue> ReadArray(const std::string& where);
  Status ReadAlignment();
  Status ReadTensorInfos(uint64_t tensor_count);
  Status ReadTensorInfo(size_t index);
  Status PlaceTensors();
  Status CheckOverlaps() const;

  ByteReader reader_;
  GgufFile& out_;
};

}  // namespace bastion::model
