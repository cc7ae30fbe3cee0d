#pragma once
// Durations in config files and flags: "250ms", "10s", "5m", "1h", "30d".

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion {

using Millis = std::chrono::milliseconds;

Result<Millis> ParseDuration(std::string_view text);
// The largest whole unit: "90d", "36h", "1500ms"; ParseDuration reads it back.
std::string FormatDuration(Millis d);

}  // namespace bastion
