#pragma once
// The checks for each file format a scan inspects; the scanner picks one by the file's bytes
// (file_format.h). Each adds findings to `findings`, or returns an error Status when the file
// cannot be parsed at all (a scan then reports the file as an error, unless a finding
// already made it unsafe).

#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/intake/finding.h"

namespace bastion::model {

// The strict reader's checks (framing, header JSON, dtypes, shapes against ranges, ranges that
// tile the data region to the end of the file). Ranges that leave gaps or bytes after the last
// tensor, or that overlap, are findings: that is where a polyglot hides a second file.
Status CheckSafetensors(std::span<const uint8_t> bytes, std::vector<Finding>& findings);

// The GGUF reader's checks, and every chat template in the metadata.
Status CheckGguf(std::span<const uint8_t> bytes, std::vector<Finding>& findings);

// A JSON file: `auto_map` (the classes trust_remote_code would import, from config.json or
// tokenizer_config.json) and chat templates (tokenizer_config.json). Text that is not JSON
// after all is no finding: only the files a loader reads as JSON matter, and those must parse.
Status CheckJson(std::span<const uint8_t> bytes, std::string_view name,
                 std::vector<Finding>& findings);

}  // namespace bastion::model
