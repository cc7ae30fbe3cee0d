#pragma once
// The one logger: spdlog, to stderr, one line per event. Never log prompt text, request or
// response bodies, keys or credentials; log ids, sizes, names and outcomes.

#include <spdlog/spdlog.h>

#include <string_view>

namespace bastion {

// REQUIRES: called once, before any thread logs. `level` is trace|debug|info|warn|error|off.
// Lines below warn are batched and reach stderr within 100 ms; warn and above at once.
void InitLogging(std::string_view level);

// Writes out batched lines now (e.g. after "listening on", before exit).
void FlushLogs();

}  // namespace bastion
