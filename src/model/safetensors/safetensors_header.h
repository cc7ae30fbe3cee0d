#pragma once
// Internal to SafetensorsFile: the checks on the JSON header, one entry at a time. The file's
// framing (the size field) and the placement of the ranges are SafetensorsFile's.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/safetensors/safetensors_file.h"

namespace bastion::model {

struct SafetensorsHeader {
  std::vector<SafetensorsTensor> tensors;  // in header order; offset and size set, data empty
  std::map<std::string, std::string> metadata;
};

// `text` is the whole header: a JSON object, possibly padded at its end with spaces. Errors
// carry no prefix ("tensor 'w': unknown dtype 'F9' ...").
Result<SafetensorsHeader> ParseSafetensorsHeader(std::string_view text);

}  // namespace bastion::model
