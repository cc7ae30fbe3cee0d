// Confirm functions of the structured PII rules: e-mail, phone, card, IBAN, SSN, IP address.

#include "guard/rules/pii_confirm.h"

#include <algorithm>
#include <string>
#include <vector>

#include "guard/validators/ascii_text.h"
#include "guard/validators/iban.h"
#include "guard/validators/ip_address.h"
#include "guard/validators/payment_card.h"
#include "guard/validators/phone_number.h"
#include "guard/validators/us_ssn.h"

namespace bastion::guard {
namespace {

std::string_view Slice(std::string_view text, Span s) { return text.substr(s.start, s.size()); }

bool IsFileExtension(std::string_view tld) {
  for (std::string_view ext : {"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico"}) {
    if (EqualsCaseless(ext, tld)) return true;
  }
  return false;
}

bool ValidDomain(std::string_view domain) {
  size_t label_start = 0;
  for (size_t i = 0; i <= domain.size(); ++i) {
    if (i < domain.size() && domain[i] != '.') continue;
    std::string_view label = domain.substr(label_start, i - label_start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    label_start = i + 1;
  }
  return !IsFileExtension(domain.substr(domain.rfind('.') + 1));  // icon@2x.png
}

// A phone number's digit groups and separators, from its first '+', '(' or digit.
size_t PhoneNumberStart(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsDigit(s[i]) || s[i] == '+' || (s[i] == '(' && IsDigit(ByteAt(s, i + 1)))) return i;
  }
  return s.size();
}

// An extension after a phone number ("x4587", " ext. 12"): where it ends, else `end`.
size_t PastExtension(std::string_view text, size_t end) {
  size_t i = end;
  if (ByteAt(text, i) == ' ') ++i;
  if (EqualsCaseless(text.substr(i, 3), "ext")) {
    i += 3;
    if (ByteAt(text, i) == '.') ++i;
    if (ByteAt(text, i) == ' ') ++i;
  } else if (ToLower(ByteAt(text, i)) == 'x') {
    ++i;
  } else {
    return end;
  }
  size_t digits = i;
  while (IsDigit(ByteAt(text, digits)) && digits - i < 6) ++digits;
  return digits > i && digits - i <= 5 && !IsAlnum(ByteAt(text, digits)) ? digits : end;
}

// "NHS number 943 476 5919", "order no. 415-555-0100": a number labelled as some other ID.
bool AfterIdLabel(std::string_view text, size_t start) {
  std::string_view before = text.substr(0, start);
  while (!before.empty() && (before.back() == ' ' || before.back() == ':')) before.remove_suffix(1);
  for (std::string_view label : {"number", "no.", "no", "nr", "nr.", "#", "id", "ref", "account",
                                 "order", "invoice", "case", "ticket", "tracking"}) {
    if (EndsWithWordCaseless(before, label) || (label == "#" && before.ends_with('#'))) {
      return true;
    }
  }
  return false;
}

struct DigitGroup {
  size_t start, end;  // in the text
  char separator;     // the byte before the group, '\0' for the first
};

std::vector<DigitGroup> DigitGroups(std::string_view text, Span c) {
  std::vector<DigitGroup> groups;
  size_t i = c.start;
  while (i < c.end) {
    char sep = groups.empty() ? '\0' : text[i - 1];
    size_t start = i;
    while (i < c.end && IsDigit(text[i])) ++i;
    if (i > start) groups.push_back({start, i, sep});
    if (i == start)
      ++i;
    else if (i < c.end)
      ++i;  // the separator
  }
  return groups;
}

// Groups [first, last] form a card number as people write it: one separator kind, the first
// group four digits, the middle ones four to six (4-4-4-4, 4-6-5 for Amex, 4-6-4 for Diners).
bool CardGrouping(const std::vector<DigitGroup>& g, size_t first, size_t last) {
  if (first == last) return true;
  if (g[first].end - g[first].start != 4) return false;
  for (size_t k = first + 1; k <= last; ++k) {
    if (g[k].separator != g[first + 1].separator || g[k].start != g[k - 1].end + 1) return false;
    size_t n = g[k].end - g[k].start;
    if (n > 6 || (k < last && n < 4)) return false;
  }
  return true;
}

// After a phone word the match ends at the number's first digit; the number runs on as
// `[\d \-.()]{4,18}\d` from there: its longest end, or `end` when there is none further.
size_t PhoneNumberEnd(std::string_view text, size_t start, size_t end) {
  size_t first_digit = start;
  while (first_digit < text.size() && !IsDigit(text[first_digit])) ++first_digit;
  size_t from = first_digit + 1;
  for (size_t j = from; j < text.size() && j - from <= 18; ++j) {
    char ch = text[j];
    if (!IsDigit(ch) && ch != ' ' && ch != '-' && ch != '.' && ch != '(' && ch != ')') break;
    if (IsDigit(ch) && j - from >= 4) end = std::max(end, j + 1);
  }
  return end;
}

// The domain after the '@' at `at`: `[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b`, its
// longest match; `at` when there is none.
size_t EmailDomainEnd(std::string_view text, size_t at) {
  auto label_byte = [](char ch) { return IsAlnum(ch) || ch == '-'; };
  size_t end = at, pos = at + 1;
  for (int labels = 0; labels < 127; ++labels) {
    size_t label = pos;
    if (labels > 0) {
      size_t letters = label;
      while (letters < text.size() && IsAlpha(text[letters])) ++letters;
      char after = ByteAt(text, letters);
      if (letters - label >= 2 && !IsAlnum(after) && after != '_') end = letters;
    }
    while (pos < text.size() && label_byte(text[pos])) ++pos;
    if (pos == label || ByteAt(text, pos) != '.') break;
    ++pos;
  }
  return end;
}

}  // namespace

std::optional<Span> ConfirmEmail(std::string_view text, Span c) {
  // The candidate starts one byte before '@'; the domain is read forward and the local part
  // backwards.
  size_t at = text.find('@', c.start);
  if (at >= c.end) return std::nullopt;
  size_t start = at;
  c.end = EmailDomainEnd(text, at);
  if (c.end == at) return std::nullopt;
  auto local_byte = [](char ch) {
    return IsAlnum(ch) || ch == '.' || ch == '_' || ch == '%' || ch == '+' || ch == '-';
  };
  while (start > 0 && at - start < 65 && local_byte(text[start - 1])) --start;
  while (start < at && (text[start] == '.' || text[start] == '-' || text[start] == '+')) ++start;
  std::string_view local = text.substr(start, at - start);
  if (local.empty() || local.size() > 64 || local_byte(ByteBefore(text, start)) ||
      local.back() == '.' || local.find("..") != std::string_view::npos ||
      !ValidDomain(text.substr(at + 1, c.end - at - 1))) {
    return std::nullopt;
  }
  return Span{start, c.end};
}

std::optional<Span> ConfirmPhone(std::string_view text, Span c) {
  std::string_view s = Slice(text, c);
  bool has_context = IsAlpha(s[0]);
  size_t start = c.start + PhoneNumberStart(s), end = c.end;
  if (has_context) end = PhoneNumberEnd(text, start, end);
  while (end > start && !IsDigit(text[end - 1]) && text[end - 1] != ')') --end;
  if (start >= end) return std::nullopt;
  if (!has_context && (TokenBefore(text, start, "-./_#:=@$") || AfterIdLabel(text, start))) {
    return std::nullopt;
  }
  size_t reported_end = PastExtension(text, end);
  char after = ByteAt(text, reported_end);
  if (IsAlnum(after) ||
      ((after == '-' || after == '.' || after == '/') && IsDigit(ByteAt(text, reported_end + 1)))) {
    return std::nullopt;
  }
  if (!PlausiblePhoneNumber(text.substr(start, end - start), has_context)) return std::nullopt;
  return Span{start, reported_end};
}

std::optional<Span> ConfirmCard(std::string_view text, Span c) {
  std::vector<DigitGroup> g = DigitGroups(text, c);
  // The longest run of groups that is a card number wins; a test number rejects the match.
  for (size_t count = g.size(); count > 0; --count) {
    for (size_t first = 0; first + count <= g.size(); ++first) {
      size_t last = first + count - 1;
      Span s{g[first].start, g[last].end};
      std::string digits = DigitsOf(Slice(text, s));
      if (!CardGrouping(g, first, last) || !IsCardNumber(digits)) continue;
      if (IsPublishedTestCardNumber(digits) || ContinuesToken(text, s.start, s.end, "-./_")) {
        return std::nullopt;
      }
      return s;
    }
  }
  return std::nullopt;
}

std::optional<Span> ConfirmIban(std::string_view text, Span c) {
  // The match holds the first two BBAN groups; the rest follows, optionally one space apart.
  std::string compact;
  size_t end = c.start, length = 0;
  for (size_t i = c.start; i < text.size() && compact.size() < 34; ++i) {
    if (text[i] == ' ' && i + 1 < text.size() && IsAlnum(text[i + 1]) && text[i - 1] != ' ') {
      continue;
    }
    if (!IsAlnum(text[i])) break;
    compact.push_back(ToUpper(text[i]));
    if (compact.size() == 2) length = IbanLength(compact);
    if (compact.size() >= 2 && compact.size() == length) {
      end = i + 1;
      break;
    }
  }
  if (length == 0 || compact.size() != length || IsAlnum(ByteAt(text, end))) return std::nullopt;
  if (!IbanValid(compact)) return std::nullopt;
  return Span{c.start, end};
}

std::optional<Span> ConfirmUsSsn(std::string_view text, Span c) {
  std::string_view s = Slice(text, c);
  size_t start = c.start + (IsAlpha(s[0]) ? PhoneNumberStart(s) : 0);
  std::string_view number = text.substr(start, c.end - start);
  if (number.size() == 11 && number[3] != number[6]) return std::nullopt;  // 123-45 6789
  if (ContinuesToken(text, start, c.end, "-./_#:")) return std::nullopt;
  if (!UsSsnValid(DigitsOf(number))) return std::nullopt;
  return Span{start, c.end};
}

std::optional<Span> ConfirmIpAddress(std::string_view text, Span c) {
  if (text[c.start] == ':') {
    // An IPv6 match starts at its first colon; the first group (up to four hex digits) is
    // before it.
    auto hex = [](char ch) { return IsDigit(ch) || (ToLower(ch) >= 'a' && ToLower(ch) <= 'f'); };
    size_t start = c.start;
    while (start > 0 && c.start - start < 4 && hex(text[start - 1])) --start;
    c.start = start;
  }
  std::string_view s = Slice(text, c);
  if (s.find(':') != std::string_view::npos) {
    if (!IsIpv6(s, 3) || ContinuesToken(text, c.start, c.end, ":.")) return std::nullopt;
    return c;
  }
  if (!IsIpv4(s) || ContinuesToken(text, c.start, c.end, ".")) return std::nullopt;
  // A dotted quad right after a version marker is a version number (v1.2.3.4 is excluded by
  // the word boundary; "version 1.2.3.4", "pkg==1.2.3.4" and "lib@1.2.3.4" here).
  char before = ByteBefore(text, c.start);
  if (before == '=' || before == '~' || before == '^') return std::nullopt;
  std::string_view prefix = text.substr(0, c.start);
  while (!prefix.empty() && (prefix.back() == ' ' || prefix.back() == ':')) {
    prefix.remove_suffix(1);
  }
  for (std::string_view word : {"version", "ver", "v", "release", "build", "firmware", "kernel"}) {
    if (EndsWithWordCaseless(prefix, word)) return std::nullopt;
  }
  return c;
}

}  // namespace bastion::guard
