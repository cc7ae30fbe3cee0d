#include "guard/validators/uk_nino.h"

#include "guard/validators/ascii_text.h"

namespace bastion::guard {

bool IsUkNino(std::string_view s) {
  if (s.size() != 9 || !IsUpper(s[0]) || !IsUpper(s[1]) || s[8] < 'A' || s[8] > 'D') {
    return false;
  }
  for (size_t i = 2; i < 8; ++i) {
    if (!IsDigit(s[i])) return false;
  }
  constexpr std::string_view kNeverFirst = "DFIQUV", kNeverSecond = "DFIOQUV";
  if (kNeverFirst.find(s[0]) != std::string_view::npos) return false;
  if (kNeverSecond.find(s[1]) != std::string_view::npos) return false;
  std::string_view prefix = s.substr(0, 2);
  return prefix != "BG" && prefix != "GB" && prefix != "KN" && prefix != "NK" && prefix != "NT" &&
         prefix != "TN" && prefix != "ZZ";
}

}  // namespace bastion::guard
