#include "guard/validators/ascii_text.h"

namespace bastion::guard {

std::string DigitsOf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (IsDigit(c)) out.push_back(c);
  }
  return out;
}

size_t CountDigits(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += IsDigit(c);
  return n;
}

bool EqualsCaseless(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

bool EndsWithWordCaseless(std::string_view text, std::string_view suffix) {
  if (suffix.size() > text.size()) return false;
  size_t start = text.size() - suffix.size();
  return EqualsCaseless(text.substr(start), suffix) && !IsAlnum(ByteBefore(text, start));
}

namespace {

bool Joins(char c, std::string_view joiners) {
  return c != '\0' && joiners.find(c) != std::string_view::npos;
}

}  // namespace

bool TokenBefore(std::string_view text, size_t start, std::string_view joiners) {
  char before = ByteBefore(text, start);
  return IsAlnum(before) || (Joins(before, joiners) && IsAlnum(ByteBefore(text, start - 1)));
}

bool TokenAfter(std::string_view text, size_t end, std::string_view joiners) {
  char after = ByteAt(text, end);
  return IsAlnum(after) || (Joins(after, joiners) && IsAlnum(ByteAt(text, end + 1)));
}

}  // namespace bastion::guard
