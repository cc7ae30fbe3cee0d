#pragma once
// One file's bytes (or one archive entry's), judged by the format sniffed from them: the
// dispatch behind `bastion scan`. Archive entries are judged the same way, recursively (a
// pickle inside a PyTorch zip, a zip inside a zip), their findings prefixed with the entry's
// name.

#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/intake/file_format.h"
#include "model/intake/finding.h"

namespace bastion::model {

// Adds findings for `bytes` of `format`; `name` is the file or entry name. An error Status
// when the bytes cannot be parsed at all (the caller reports the file as an error unless a
// finding made it unsafe). `depth` counts enclosing archives.
Status CheckContents(std::span<const uint8_t> bytes, FileFormat format, std::string_view name,
                     std::vector<Finding>& findings, int depth = 0);

}  // namespace bastion::model
