#include "guard/normalize/leet.h"

#include <array>

namespace bastion::guard {
namespace {

// The letter each leet character stands for ('\0': not a leet character).
constexpr std::array<char, 128> kLeetLetter = [] {
  std::array<char, 128> table{};
  table['0'] = 'o';
  table['1'] = 'i';
  table['3'] = 'e';
  table['4'] = 'a';
  table['5'] = 's';
  table['7'] = 't';
  table['@'] = 'a';
  table['$'] = 's';
  table['|'] = 'l';
  table['!'] = 'i';
  return table;
}();

bool IsLetter(unsigned char c) { return (c >= 'a' && c <= 'z') || c >= 0x80; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(unsigned char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }

// The word's shape, counted once.
struct WordShape {
  size_t letters = 0;
  size_t leet = 0;             // leet characters a letter could stand behind
  size_t leading_digits = 0;   // digits before the first non-digit
  size_t trailing_digits = 0;  // digits after the last non-digit
  size_t hex_digits = 0;       // 0-9 and a-f
  bool has_at = false;
};

WordShape ShapeOf(const char* word, size_t length) {
  WordShape shape;
  for (size_t i = 0; i < length; ++i) {
    const auto c = static_cast<unsigned char>(word[i]);
    shape.letters += IsLetter(c);
    shape.hex_digits += IsHexDigit(c);
    shape.has_at |= c == '@';
    // A leading '@' or '$' is a handle or a variable ("@alice", "$HOME"), not leet.
    shape.leet += c < 0x80 && kLeetLetter[c] != '\0' && (i > 0 || IsDigit(c));
  }
  while (shape.leading_digits < length && IsDigit(word[shape.leading_digits])) {
    ++shape.leading_digits;
  }
  while (shape.trailing_digits < length && IsDigit(word[length - 1 - shape.trailing_digits])) {
    ++shape.trailing_digits;
  }
  return shape;
}

// Mixes of letters and digits that are ordinary writing, not leet.
bool IsReadableMix(const char* word, size_t length, char next, const WordShape& s) {
  const size_t digits_then_letters = s.leading_digits + s.letters;
  const size_t letters_then_digits = s.letters + s.trailing_digits;
  if (digits_then_letters == length && s.letters <= 2) return true;         // 4k, 1st, 10am
  if (letters_then_digits == length && s.leading_digits == 0) return true;  // gpt4, python3
  if (length > 2 && word[0] == '0' && word[1] == 'x' && s.hex_digits == length - 1) return true;
  if (length >= 8 && s.hex_digits == length) return true;  // hashes, UUID groups
  return s.has_at && next == '.';                          // a@b.com
}

}  // namespace

bool FoldLeetWord(char* word, size_t length, char next) {
  const WordShape shape = ShapeOf(word, length);
  if (shape.letters == 0 || shape.leet == 0) return false;
  if (IsReadableMix(word, length, next, shape)) return false;
  bool changed = false;
  for (size_t i = 0; i < length; ++i) {
    const auto c = static_cast<unsigned char>(word[i]);
    if (c >= 0x80 || kLeetLetter[c] == '\0') continue;
    if (i == 0 && !IsDigit(c)) continue;
    word[i] = kLeetLetter[c];
    changed = true;
  }
  return changed;
}

}  // namespace bastion::guard
