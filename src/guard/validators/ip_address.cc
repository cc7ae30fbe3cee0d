#include "guard/validators/ip_address.h"

#include "guard/validators/ascii_text.h"

namespace bastion::guard {
namespace {

bool IsHex(char c) { return IsDigit(c) || (ToLower(c) >= 'a' && ToLower(c) <= 'f'); }

}  // namespace

bool IsIpv4(std::string_view s) {
  int octets = 0;
  size_t i = 0;
  while (true) {
    size_t start = i;
    int value = 0;
    while (i < s.size() && IsDigit(s[i]) && i - start < 4) value = value * 10 + (s[i++] - '0');
    if (i == start || i - start > 3 || value > 255) return false;
    ++octets;
    if (i == s.size()) return octets == 4;
    if (s[i] != '.' || octets == 4) return false;
    ++i;
  }
}

bool IsIpv6(std::string_view s, size_t min_groups) {
  size_t groups = 0, i = 0;
  bool compressed = false;
  if (s.starts_with("::")) {
    compressed = true;
    i = 2;
  }
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && IsHex(s[i]) && i - start < 5) ++i;
    if (i == start || i - start > 4) return false;
    ++groups;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    if (ByteAt(s, i + 1) == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
    }
    ++i;
    if (i == s.size() && ByteBefore(s, i - 1) != ':') return false;  // a lone trailing ':'
  }
  if (groups < min_groups) return false;
  return compressed ? groups <= 7 : groups == 8;
}

}  // namespace bastion::guard
