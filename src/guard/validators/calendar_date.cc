#include "guard/validators/calendar_date.h"

#include "guard/validators/ascii_text.h"

namespace bastion::guard {
namespace {

// Month names, lower case (UTF-8 for the accented ones), longest forms first so "june" wins
// over "jun".
constexpr std::string_view kMonths[] = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "sept",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
    "januar",
    "februar",
    "m\xc3\xa4rz",
    "mai",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "janvier",
    "f\xc3\xa9vrier",
    "mars",
    "avril",
    "juin",
    "juillet",
    "ao\xc3\xbbt",
    "septembre",
    "octobre",
    "novembre",
    "d\xc3\xa9"
    "cembre",
};

struct Cursor {
  std::string_view text;
  size_t pos;

  // Reads 1..max_digits digits; the value, or -1.
  int Number(size_t max_digits, size_t* count = nullptr) {
    size_t start = pos;
    int v = 0;
    while (pos < text.size() && IsDigit(text[pos]) && pos - start < max_digits + 1) {
      v = v * 10 + (text[pos++] - '0');
    }
    size_t n = pos - start;
    if (count) *count = n;
    if (n == 0 || n > max_digits) return pos = start, -1;
    return v;
  }
  bool Skip(std::string_view s) {
    if (!EqualsCaseless(text.substr(pos, s.size()), s)) return false;
    pos += s.size();
    return true;
  }
  void Optional(std::string_view s) { Skip(s); }
  bool Month() {
    size_t best = 0;
    for (std::string_view m : kMonths) {
      if (m.size() > best && EqualsCaseless(text.substr(pos, m.size()), m)) best = m.size();
    }
    if (best == 0 || IsAlpha(ByteAt(text, pos + best))) return false;
    pos += best;
    Optional(".");
    return true;
  }
  bool Year() {
    size_t n = 0;
    int y = Number(4, &n);
    return n == 4 && y >= 1900 && y <= 2099 && !IsAlnum(ByteAt(text, pos));
  }
  void Ordinal() {
    for (std::string_view s : {"st", "nd", "rd", "th"}) {
      if (Skip(s)) return;
    }
  }
};

bool DayMonth(int a, int b) { return a >= 1 && a <= 31 && b >= 1 && b <= 12; }

std::optional<size_t> NumericDate(std::string_view text, size_t pos) {
  Cursor c{text, pos};
  size_t n1 = 0, n3 = 0;
  int a = c.Number(4, &n1);
  char sep = ByteAt(text, c.pos);
  if (a < 0 || (sep != '/' && sep != '.' && sep != '-')) return std::nullopt;
  ++c.pos;
  int b = c.Number(2);
  if (b < 0 || ByteAt(text, c.pos) != sep) return std::nullopt;
  ++c.pos;
  int y = c.Number(4, &n3);
  if (y < 0 || IsAlnum(ByteAt(text, c.pos))) return std::nullopt;
  if (n1 == 4) {  // year first
    if (a < 1900 || a > 2099 || n3 > 2 || !DayMonth(y, b)) return std::nullopt;
  } else {
    if (n1 > 2 || (n3 != 2 && n3 != 4) || (n3 == 4 && (y < 1900 || y > 2099))) {
      return std::nullopt;
    }
    if (!DayMonth(a, b) && !DayMonth(b, a)) return std::nullopt;
  }
  return c.pos;
}

// 12 May 1985, 12th of May, 1985, 12. März 1985.
std::optional<size_t> DayFirstDate(std::string_view text, size_t pos) {
  Cursor c{text, pos};
  int day = c.Number(2);
  if (day < 1 || day > 31) return std::nullopt;
  c.Ordinal();
  c.Optional(".");
  if (!c.Skip(" ")) return std::nullopt;
  c.Optional("of ");
  if (!c.Month()) return std::nullopt;
  c.Optional(",");
  if (!c.Skip(" ") || !c.Year()) return std::nullopt;
  return c.pos;
}

// May 12, 1985; May 12th 1985.
std::optional<size_t> MonthFirstDate(std::string_view text, size_t pos) {
  Cursor c{text, pos};
  if (!c.Month() || !c.Skip(" ")) return std::nullopt;
  int day = c.Number(2);
  if (day < 1 || day > 31) return std::nullopt;
  c.Ordinal();
  c.Optional(",");
  if (!c.Skip(" ") || !c.Year()) return std::nullopt;
  return c.pos;
}

}  // namespace

std::optional<size_t> DateEndAt(std::string_view text, size_t pos) {
  if (pos >= text.size() || IsAlnum(ByteBefore(text, pos))) return std::nullopt;
  if (auto end = NumericDate(text, pos)) return end;
  if (auto end = DayFirstDate(text, pos)) return end;
  return MonthFirstDate(text, pos);
}

}  // namespace bastion::guard
