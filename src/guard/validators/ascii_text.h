#pragma once
// Byte-level helpers the validators and confirm functions share. Input may be invalid UTF-8,
// so nothing here decodes: only ASCII bytes have a class, every other byte is "other".

#include <string>
#include <string_view>

namespace bastion::guard {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsAlpha(char c) { return IsUpper(c) || IsLower(c); }
inline bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
inline char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
inline char ToUpper(char c) { return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

// The decimal digits of `s`, in order.
std::string DigitsOf(std::string_view s);
size_t CountDigits(std::string_view s);

bool EqualsCaseless(std::string_view a, std::string_view b);

// True when `text` ends with `suffix` (ASCII case-insensitive) and the suffix begins a word
// (nothing alphanumeric right before it).
bool EndsWithWordCaseless(std::string_view text, std::string_view suffix);

// The byte before `pos` / at `pos`, or '\0' past either end.
inline char ByteBefore(std::string_view text, size_t pos) { return pos ? text[pos - 1] : '\0'; }
inline char ByteAt(std::string_view text, size_t pos) {
  return pos < text.size() ? text[pos] : '\0';
}

// True when a value starting at `start` (ending at `end`) of `text` continues a longer token:
// an alphanumeric byte touches it, or one of `joiners` does with an alphanumeric byte beyond
// it ("ID-4111...", "1.2.3.4.5").
bool TokenBefore(std::string_view text, size_t start, std::string_view joiners);
bool TokenAfter(std::string_view text, size_t end, std::string_view joiners);
inline bool ContinuesToken(std::string_view text, size_t start, size_t end,
                           std::string_view joiners) {
  return TokenBefore(text, start, joiners) || TokenAfter(text, end, joiners);
}

}  // namespace bastion::guard
