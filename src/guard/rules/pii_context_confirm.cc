// Confirm functions of the context-based PII rules: date of birth, national ID, passport,
// postal address, person name. Each candidate holds the context words and the value; confirm
// narrows it to the value, so redaction keeps "born on [DOB_1]".

#include <algorithm>
#include <string>

#include "guard/rules/pii_confirm.h"
#include "guard/validators/ascii_text.h"
#include "guard/validators/calendar_date.h"
#include "guard/validators/person_name.h"
#include "guard/validators/uk_nino.h"

namespace bastion::guard {
namespace {

std::string_view Slice(std::string_view text, Span s) { return text.substr(s.start, s.size()); }

// A UK NINO written from `pos`, with or without spaces (AB 12 34 56 C); its end.
std::optional<size_t> NinoEndAt(std::string_view text, size_t pos, size_t limit) {
  std::string compact;
  size_t i = pos;
  for (; i < limit && compact.size() < 9; ++i) {
    if (text[i] == ' ' && !compact.empty()) continue;
    if (!IsAlnum(text[i])) break;
    compact.push_back(text[i]);
  }
  if (!IsUkNino(compact) || IsAlnum(ByteAt(text, i))) return std::nullopt;
  return i;
}

// The ID number after the context words: the first token holding a digit, joined with the
// following tokens (one space or dash apart) that hold digits too, or a NINO's suffix letter.
std::optional<Span> IdNumberAfterContext(std::string_view text, Span c, size_t min_digits) {
  size_t i = c.start;
  while (i < c.end) {
    size_t token_end = i;
    while (token_end < c.end && IsAlnum(text[token_end])) ++token_end;
    if (token_end > i) {
      if (auto nino = NinoEndAt(text, i, c.end)) return Span{i, *nino};
      if (CountDigits(text.substr(i, token_end - i)) > 0) break;
    }
    i = token_end == i ? i + 1 : token_end;
  }
  if (i >= c.end) return std::nullopt;
  size_t end = i;
  while (end < c.end) {
    while (end < c.end && IsAlnum(text[end])) ++end;
    size_t next = end + 1, next_end = next;
    if (end >= c.end || (text[end] != ' ' && text[end] != '-')) break;
    while (next_end < c.end && IsAlnum(text[next_end])) ++next_end;
    std::string_view token = text.substr(next, next_end - next);
    if (token.empty() || CountDigits(token) == 0) break;
    end = next_end;
  }
  size_t digits = CountDigits(text.substr(i, end - i));
  if (digits < min_digits || end - i > 24 || IsAlnum(ByteAt(text, end))) return std::nullopt;
  return Span{i, end};
}

// Name words may hold UTF-8 letters; bytes >= 0x80 are taken as letters.
bool IsNameTokenByte(char c) { return IsAlpha(c) || c == '\'' || c == '-' || (c & 0x80); }
// A capital letter at `pos`; Latin-1 and Latin Extended-A capitals in UTF-8 count (Šárka,
// Ľubica).
bool StartsWithCapital(std::string_view text, size_t pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(ByteAt(text, i)); };
  if (IsUpper(ByteAt(text, pos))) return true;
  if (byte(pos) == 0xC3) return byte(pos + 1) >= 0x80 && byte(pos + 1) <= 0x9E;
  return (byte(pos) == 0xC4 || byte(pos) == 0xC5) && (byte(pos + 1) & 0xC0) == 0x80;
}
bool StartsCapitalised(std::string_view token) {
  return !token.empty() && (IsUpper(token[0]) || (token[0] & 0x80));
}

// Cues after which a single capitalised word is too weak: "I am Groot", "this is Sparta".
bool NeedsTwoWords(std::string_view before) {
  while (!before.empty() && (before.back() == ' ' || before.back() == '\t' ||
                             before.back() == '\r' || before.back() == '\n')) {
    before.remove_suffix(1);
  }
  for (std::string_view cue :
       {"i am", "i'm", "i\xe2\x80\x99m", "this is", "called", "named", "speak to", "speak with",
        "spoke to", "spoke with", "ask for", "follow up with"}) {
    if (EndsWithWordCaseless(before, cue)) return true;
  }
  return false;
}

}  // namespace

std::optional<Span> ConfirmDateOfBirth(std::string_view text, Span c) {
  for (size_t i = c.start; i < c.end; ++i) {
    if (auto end = DateEndAt(text, i)) return Span{i, *end};
  }
  return std::nullopt;
}

std::optional<Span> ConfirmNationalId(std::string_view text, Span c) {
  if (auto nino = NinoEndAt(text, c.start, c.end)) return Span{c.start, *nino};
  // After a context word the match ends at the ID's first digit; the ID runs on as
  // `[A-Za-z0-9]{1,15}(?:[ \-][A-Za-z0-9]{1,8}){0,4}`.
  size_t first_digit = c.start;
  while (first_digit < c.end && !IsDigit(text[first_digit])) ++first_digit;
  if (first_digit < c.end) {
    auto alnum_run = [&](size_t from, size_t max) {
      size_t n = 0;
      while (from + n < text.size() && n < max && IsAlnum(text[from + n])) ++n;
      return n;
    };
    size_t end = first_digit + 1, n = alnum_run(end, 15);
    if (n > 0) {
      end += n;
      for (int group = 0; group < 4 && n > 0; ++group) {
        if (ByteAt(text, end) != ' ' && ByteAt(text, end) != '-') break;
        n = alnum_run(end + 1, 8);
        if (n > 0) end += 1 + n;
      }
      c.end = std::max(c.end, end);
    }
  }
  return IdNumberAfterContext(text, c, 5);
}

std::optional<Span> ConfirmPassport(std::string_view text, Span c) {
  auto s = IdNumberAfterContext(text, c, 5);
  if (!s || s->size() < 6 || s->size() > 12) return std::nullopt;
  return s;
}

namespace {

// A cursor over the text after a street address, for the optional parts that follow it (a
// pattern with all of them optional compiled ~30x slower and scanned at a fifth of the speed).
struct Tail {
  std::string_view text;
  size_t at;

  bool Literal(std::string_view s) {
    if (text.substr(at, s.size()) != s) return false;
    at += s.size();
    return true;
  }
  size_t Count(bool (*pred)(char), size_t max) const {
    size_t n = 0;
    while (at + n < text.size() && n < max && pred(text[at + n])) ++n;
    return n;
  }
  // Runs `part` from here; keeps its progress only when it succeeds.
  template <typename Part>
  bool Optional(Part part) {
    size_t saved = at;
    if (part(*this)) return true;
    at = saved;
    return false;
  }
};

bool IsUnitChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '-'; }

bool CapitalisedWord(Tail& t) {
  if (t.Count(IsUpper, 1) != 1) return false;
  t.at += 1;
  size_t lower = t.Count(IsLower, 30);
  t.at += lower;
  return lower > 0;
}

bool UkPostcode(Tail& t) {
  size_t letters = t.Count(IsUpper, 2);
  if (letters == 0) return false;
  t.at += letters;
  if (t.Count(IsDigit, 1) != 1) return false;
  t.at += 1;
  if (t.Count(IsUpper, 1) || t.Count(IsDigit, 1)) t.at += 1;
  if (!t.Literal(" ") || t.Count(IsDigit, 1) != 1) return false;
  t.at += 1;
  if (t.Count(IsUpper, 2) != 2) return false;
  t.at += 2;
  return t.at >= t.text.size() || !IsAlpha(t.text[t.at]);
}

// ", Suite 3300", ", Mountain View", ", CA", " 94043", ", London SW1A 2AA" after the street.
size_t ExtendAddressTail(std::string_view text, size_t end) {
  Tail t{text, end};
  t.Optional([](Tail& t) {
    t.Literal(",");
    if (!t.Literal(" ")) return false;
    bool unit = false;
    for (std::string_view w : {"Apartment", "Apt", "Suite", "Ste", "Unit", "Floor", "Fl", "#"}) {
      if (t.Literal(w)) {
        unit = true;
        break;
      }
    }
    if (!unit) return false;
    t.Literal(".");
    t.Literal(" ");
    t.Literal("#");
    size_t n = t.Count(IsUnitChar, 7);
    t.at += n;
    return n >= 1 && n <= 6;
  });
  t.Optional([](Tail& t) {
    if (!t.Literal(", ") || !CapitalisedWord(t)) return false;
    for (int i = 0;
         i < 2 && t.Optional([](Tail& t) { return t.Literal(" ") && CapitalisedWord(t); }); ++i) {
    }
    return true;
  });
  t.Optional([](Tail& t) {
    t.Literal(",");
    if (!t.Literal(" ") || t.Count(IsUpper, 3) != 2) return false;
    t.at += 2;
    return t.at >= t.text.size() || (!IsAlpha(t.text[t.at]) && !IsDigit(t.text[t.at]));
  });
  t.Optional([](Tail& t) {
    if (!t.Literal(" ") || t.Count(IsDigit, 6) != 5) return false;
    t.at += 5;
    t.Optional([](Tail& t) {
      if (!t.Literal("-") || t.Count(IsDigit, 5) != 4) return false;
      t.at += 4;
      return true;
    });
    return true;
  });
  t.Optional([](Tail& t) {
    t.Literal(",");
    return t.Literal(" ") && UkPostcode(t);
  });
  return t.at;
}

}  // namespace

namespace {

bool IsWordByte(char c) { return IsAlnum(c) || c == '_'; }

// `\d{1,max}` ending at `end` with a word boundary before it: where it starts.
std::optional<size_t> NumberEndingAt(std::string_view text, size_t end, size_t max) {
  size_t start = end;
  while (start > 0 && IsDigit(text[start - 1]) && end - start <= max) --start;
  if (start == end || end - start > max || IsWordByte(ByteBefore(text, start))) {
    return std::nullopt;
  }
  return start;
}

// A street word: capitalised (an optional trailing '.'), or an ordinal ("5th").
bool IsStreetWord(std::string_view t) {
  if (!t.empty() && IsUpper(t[0])) {
    if (t.size() > 1 && t.back() == '.') t.remove_suffix(1);
    if (t.size() > 25) return false;
    for (char ch : t.substr(1)) {
      if (!IsAlpha(ch) && ch != '\'' && ch != '-') return false;
    }
    return true;
  }
  size_t digits = 0;
  while (digits < t.size() && IsDigit(t[digits])) ++digits;
  std::string_view suffix = t.substr(digits);
  return digits >= 1 && digits <= 3 &&
         (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th");
}

// "1600 Pennsylvania Avenue": the house number (`\b\d{1,5}[A-Za-z]?`) and one to four street
// words, one space apart, before the street suffix whose leading space is at `space`. The
// leftmost such start, as the regex it replaces reported.
std::optional<size_t> UsStreetStart(std::string_view text, size_t space) {
  std::optional<size_t> start;
  size_t end = space;  // the token read ends here; text[end] == ' '
  for (int k = 0; k <= 4; ++k) {
    size_t begin = end;
    while (begin > 0 && text[begin - 1] != ' ' && end - begin <= 32) --begin;
    std::string_view token = text.substr(begin, end - begin);
    if (k > 0) {
      size_t digits_end = end;
      if (!token.empty() && IsAlpha(token.back())) --digits_end;
      if (auto number = NumberEndingAt(text, digits_end, 5); number && *number >= begin) {
        start = *number;
      }
    }
    if (k == 4 || !IsStreetWord(token) || begin < 2 || text[begin - 1] != ' ') break;
    end = begin - 1;
  }
  return start;
}

// "12 rue de la Paix", "7 bis, avenue Foch": `\b\d{1,4}(?: ?(?:bis|ter))?,?` before the space
// at `space`.
std::optional<size_t> FrenchStreetStart(std::string_view text, size_t space) {
  size_t p = space;
  if (ByteBefore(text, p) == ',') --p;
  if (p >= 3 && (text.substr(p - 3, 3) == "bis" || text.substr(p - 3, 3) == "ter")) {
    size_t q = p - 3;
    if (ByteBefore(text, q) == ' ') --q;
    if (auto start = NumberEndingAt(text, q, 4)) return start;
  }
  return NumberEndingAt(text, p, 4);
}

// "Hauptstraße 5": `\b[A-Z]` and lowercase letters (ä, ö, ü, ß in UTF-8) before the street
// suffix at `suffix`.
std::optional<size_t> GermanStreetStart(std::string_view text, size_t suffix) {
  size_t p = suffix;
  auto umlaut = [&](size_t i) {
    return i >= 2 && static_cast<unsigned char>(text[i - 2]) == 0xC3 &&
           (text[i - 1] == '\xa4' || text[i - 1] == '\xb6' || text[i - 1] == '\xbc' ||
            text[i - 1] == '\x9f');
  };
  while (suffix - p < 48) {
    if (p > 0 && IsLower(text[p - 1])) {
      --p;
    } else if (umlaut(p)) {
      p -= 2;
    } else {
      break;
    }
  }
  if (p == suffix || p == 0 || !IsUpper(text[p - 1]) || IsWordByte(ByteBefore(text, p - 1))) {
    return std::nullopt;
  }
  return p - 1;
}

// `[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b` from `i` (SW1A 1AA, M1 1AE, W1A0AX): its end.
std::optional<size_t> UkPostcodeAt(std::string_view text, size_t i) {
  size_t p = i;
  while (p - i < 2 && IsUpper(ByteAt(text, p))) ++p;
  if (p == i || !IsDigit(ByteAt(text, p))) return std::nullopt;
  ++p;
  for (int extra : {1, 0}) {
    if (extra && !IsUpper(ByteAt(text, p)) && !IsDigit(ByteAt(text, p))) continue;
    for (int space : {1, 0}) {
      size_t q = p + extra;
      if (space && ByteAt(text, q) != ' ') continue;
      q += space;
      if (IsDigit(ByteAt(text, q)) && IsUpper(ByteAt(text, q + 1)) &&
          IsUpper(ByteAt(text, q + 2)) && !IsWordByte(ByteAt(text, q + 3))) {
        return q + 3;
      }
    }
  }
  return std::nullopt;
}

// After a postcode word ending at `at`: `(?:[ \t]*(?:is|:|#))?[ \t]*` and a UK postcode or a
// US ZIP code (`[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{5}(?:-\d{4})?`, then a word boundary).
std::optional<Span> PostcodeAfterCue(std::string_view text, size_t at) {
  auto blanks = [&](size_t i) {
    while (ByteAt(text, i) == ' ' || ByteAt(text, i) == '\t') ++i;
    return i;
  };
  auto code_at = [&](size_t i) -> std::optional<Span> {
    if (auto uk = UkPostcodeAt(text, i)) return Span{i, *uk};
    Tail t{text, i};
    if (t.Count(IsDigit, 6) != 5) return std::nullopt;
    t.at += 5;
    t.Optional([](Tail& t) {
      if (!t.Literal("-") || t.Count(IsDigit, 5) != 4) return false;
      t.at += 4;
      return true;
    });
    if (IsWordByte(ByteAt(text, t.at))) return std::nullopt;
    return Span{i, t.at};
  };
  size_t i = blanks(at);
  for (std::string_view sep : {"is", ":", "#"}) {
    if (text.substr(i, sep.size()) == sep) {
      if (auto code = code_at(blanks(i + sep.size()))) return code;
    }
  }
  return code_at(i);
}

}  // namespace

std::optional<Span> ConfirmPostalAddress(std::string_view text, Span c) {
  std::string_view s = Slice(text, c);
  for (std::string_view cue : {"zip", "post", "plz"}) {
    if (EqualsCaseless(s.substr(0, cue.size()), cue)) return PostcodeAfterCue(text, c.end);
  }
  // The match starts at the street suffix (" Street", "straße 5") or at the byte before a
  // French street type ("5 rue ", "bis rue "); the house number and the street name before
  // are read backwards.
  std::optional<size_t> start;
  if (s[0] == ' ') {
    start = UsStreetStart(text, c.start);
  } else if (s.size() > 1 && (s[1] == ' ' || s[1] == ',')) {
    // The last digit of the number, or of "bis"/"ter", then ",? rue ...".
    size_t space = c.start + 1;
    if (ByteAt(text, space) == ',') ++space;
    start = FrenchStreetStart(text, space);
  } else {
    start = GermanStreetStart(text, c.start);
  }
  if (!start) return std::nullopt;
  c.start = *start;
  s = Slice(text, c);
  if (ContinuesToken(text, c.start, c.end, "-.:/_#")) return std::nullopt;
  // "Chapter 3 The Way", "Top 10 Ways": a number and title-case words, not an address.
  for (std::string_view w : {" The ", " A ", " An ", " Of ", " And ", " To ", " In ", " On ",
                             " For ", " Is ", " My ", " Our ", " Your "}) {
    if (s.find(w) != std::string_view::npos) return std::nullopt;
  }
  size_t end = ExtendAddressTail(text, c.end);
  while (end > c.start && (text[end - 1] == ',' || text[end - 1] == ' ')) --end;
  return Span{c.start, end};
}

std::optional<Span> ConfirmPersonName(std::string_view text, Span c) {
  // The match ends with the cue's first blank or the name's first byte. Blanks are skipped
  // (one line break among them), then the name is read forward: capitalised words and
  // initials, one space apart, at most four words.
  constexpr size_t kMaxNameBytes = 96;
  size_t start = c.end - 1;
  auto blank = [&](size_t i) { return ByteAt(text, i) == ' ' || ByteAt(text, i) == '\t'; };
  if (blank(start) || text[start] == '\r' || text[start] == '\n') {
    while (blank(start)) ++start;
    if (ByteAt(text, start) == '\r') ++start;
    if (ByteAt(text, start) == '\n') ++start;
    while (blank(start)) ++start;
  }
  if (!StartsWithCapital(text, start)) return std::nullopt;
  size_t limit = std::min(text.size(), start + kMaxNameBytes);
  size_t end = start, words = 0;
  for (size_t pos = start; pos < limit && words < 4;) {
    size_t token_end = pos;
    while (token_end < limit && (IsNameTokenByte(text[token_end]) || text[token_end] == '.')) {
      ++token_end;
    }
    std::string_view token = text.substr(pos, token_end - pos);
    while (token.size() > 1 && token.back() == '.' && token.size() != 2) token.remove_suffix(1);
    if (token.empty() || !StartsCapitalised(token) || IsCommonNonNameWord(token)) break;
    end = pos + token.size();
    words += token.size() > 2 || token.back() != '.';  // initials do not count as words
    if (end >= limit || text[end] != ' ') break;
    pos = end + 1;
  }
  if (words == 0) return std::nullopt;
  if (words < 2 && NeedsTwoWords(text.substr(0, start))) return std::nullopt;
  return Span{start, end};
}

}  // namespace bastion::guard
