#pragma once
// Leading and trailing ASCII whitespace off a view.

#include <string_view>

namespace bastion {

inline std::string_view TrimAsciiSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

}  // namespace bastion
