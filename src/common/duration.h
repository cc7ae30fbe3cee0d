#pragma once
// Durations in config files and flags: "250ms", "10s", "5m", "1h".

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion {

using Millis = std::chrono::milliseconds;

Result<Millis> ParseDuration(std::string_view text);
std::string FormatDuration(Millis d);

}  // namespace bastion
