#include "guard/validators/phone_number.h"

#include <algorithm>

#include "guard/validators/ascii_text.h"
#include "guard/validators/calendar_date.h"
#include "guard/validators/ip_address.h"

namespace bastion::guard {
namespace {

bool IsSeparator(char c) { return c == ' ' || c == '-' || c == '.' || c == '/'; }

// Separators stand alone (one between groups, or a space next to a parenthesis), and
// parentheses hold digits and come in one pair.
bool WellFormed(std::string_view s) {
  int open = 0, pairs = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '(') {
      if (open || ++pairs > 1) return false;
      open = 1;
    } else if (c == ')') {
      if (!open || !IsDigit(ByteBefore(s, i))) return false;
      open = 0;
    } else if (IsSeparator(c) && IsSeparator(ByteAt(s, i + 1))) {
      return false;  // "555 - 0100", "3 . 14": arithmetic or prose, not a number
    }
  }
  return open == 0;
}

size_t LongestDigitRun(std::string_view s) {
  size_t best = 0, run = 0;
  for (char c : s) {
    run = IsDigit(c) ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

size_t SeparatorCount(std::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return !IsDigit(c) && c != '+'; });
}

// AAA-GG-SSSS is how US Social Security numbers are written, not phone numbers.
bool SsnShaped(std::string_view s) {
  return s.size() == 11 && s[3] == '-' && s[6] == '-' && CountDigits(s) == 9;
}

}  // namespace

bool PlausiblePhoneNumber(std::string_view number, bool has_context) {
  if (number.empty() || !WellFormed(number)) return false;
  size_t digits = CountDigits(number);
  bool international = number[0] == '+';
  if (international) return digits >= 8 && digits <= 15;
  if (SsnShaped(number) || IsIpv4(number)) return false;
  if (DateEndAt(number, 0) == number.size()) return false;
  if (has_context) return digits >= 7 && digits <= 15;
  // Without a context word, the number must look dialled: separated groups, a national
  // length, no group long enough to be an account or order number.
  return digits >= 9 && digits <= 13 && SeparatorCount(number) > 0 && LongestDigitRun(number) <= 8;
}

}  // namespace bastion::guard
