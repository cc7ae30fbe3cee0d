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

// The start of the name ending at `end`: capitalised words and initials read backwards,
// one space apart, up to a cue word ("Dear", "Mr", "Is") or anything else.
size_t NameStart(std::string_view text, size_t lower_bound, size_t end) {
  size_t start = end, pos = end;
  while (pos > lower_bound) {
    size_t token_end = pos, token_start = pos;
    if (text[pos - 1] == '.' && pos >= 2 && IsUpper(text[pos - 2]) &&
        !IsAlpha(ByteBefore(text, pos - 2))) {
      token_start = pos - 2;  // an initial, "F."
    } else {
      while (token_start > lower_bound && IsNameTokenByte(text[token_start - 1])) --token_start;
    }
    std::string_view token = text.substr(token_start, token_end - token_start);
    if (!StartsCapitalised(token) || IsNameCueWord(token)) break;
    start = token_start;
    if (start == lower_bound || text[start - 1] != ' ') break;
    pos = start - 1;
  }
  return start;
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
  size_t end = c.end;
  while (end > c.start && (text[end - 1] == ',' || text[end - 1] == ' ')) --end;
  return Span{c.start, end};
}

std::optional<Span> ConfirmPersonName(std::string_view text, Span c) {
  size_t start = NameStart(text, c.start, c.end);
  if (start >= c.end) return std::nullopt;
  size_t end = start, words = 0;
  for (size_t pos = start; pos < c.end;) {
    size_t token_end = pos;
    while (token_end < c.end && (IsNameTokenByte(text[token_end]) || text[token_end] == '.')) {
      ++token_end;
    }
    std::string_view token = text.substr(pos, token_end - pos);
    if (token.empty() || IsCommonNonNameWord(token)) break;
    end = token_end;
    words += token.size() > 2 || token.back() != '.';  // initials do not count as words
    pos = token_end + 1;
  }
  if (words == 0) return std::nullopt;
  if (words < 2 && NeedsTwoWords(text.substr(0, start))) return std::nullopt;
  return Span{start, end};
}

}  // namespace bastion::guard
