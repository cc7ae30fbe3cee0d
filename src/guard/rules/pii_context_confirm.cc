// Confirm functions of the context-based PII rules: date of birth, national ID, passport,
// postal address, person name. Each candidate holds the context words and the value; confirm
// narrows it to the value, so redaction keeps "born on [DOB_1]".

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
bool StartsCapitalised(std::string_view token) {
  return !token.empty() && (IsUpper(token[0]) || (token[0] & 0x80));
}

// Cues after which a single capitalised word is too weak: "I am Groot", "this is Sparta".
bool NeedsTwoWords(std::string_view before) {
  while (!before.empty() && (before.back() == ' ' || before.back() == '\t')) {
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

std::optional<Span> ConfirmPostalAddress(std::string_view text, Span c) {
  std::string_view s = Slice(text, c);
  for (std::string_view cue : {"zip", "post", "plz"}) {
    if (!EqualsCaseless(s.substr(0, cue.size()), cue)) continue;
    // "postcode: SW1A 1AA", "zip code is 94043": the code is the last one or two tokens.
    size_t first_digit = c.start;
    while (first_digit < c.end && !IsDigit(text[first_digit])) ++first_digit;
    size_t start = first_digit;
    while (start > c.start && IsUpper(text[start - 1])) --start;
    return Span{start, c.end};
  }
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
  // The match ends with the name's first letter (one byte, or two in UTF-8); the name is read
  // forward from there: capitalised words and initials, one space apart, at most four words.
  constexpr size_t kMaxNameBytes = 96;
  size_t start = c.end - 1;
  if (start > c.start && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
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
