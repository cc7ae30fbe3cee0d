#include "common/duration.h"

#include <charconv>

namespace bastion {

Result<Millis> ParseDuration(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  std::string_view unit(ptr, static_cast<size_t>(end - ptr));
  if (ec != std::errc() || ptr == text.data() || value > 1'000'000'000ULL) {
    return Status::InvalidArgument("bad duration '" + std::string(text) +
                                   "': expected a number and a unit, like 250ms, 10s, 5m");
  }
  if (unit == "ms") return Millis(value);
  if (unit == "s") return Millis(value * 1000);
  if (unit == "m") return Millis(value * 60'000);
  if (unit == "h") return Millis(value * 3'600'000);
  if (unit == "d") return Millis(value * 86'400'000);
  return Status::InvalidArgument("bad duration '" + std::string(text) +
                                 "': unit must be ms, s, m, h or d");
}

std::string FormatDuration(Millis d) {
  auto ms = d.count();
  if (ms % 86'400'000 == 0 && ms != 0) return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0 && ms != 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0 && ms != 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace bastion
