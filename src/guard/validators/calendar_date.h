#pragma once
// Calendar dates as people write them: 12/05/1985, 1985-05-12, 12.05.85, 12 May 1985,
// May 12th, 1985, 12. März 1985, 12 janvier 1985. Month names in English, German and French.

#include <cstddef>
#include <optional>
#include <string_view>

namespace bastion::guard {

// When a plausible date (day 1-31, month 1-12, year 1900-2099 or two digits) starts at `pos`
// of `text`, the offset just past it.
std::optional<size_t> DateEndAt(std::string_view text, size_t pos);

}  // namespace bastion::guard
