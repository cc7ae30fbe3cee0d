#pragma once
// Folding of one code point to what a rule should see: the lowercase ASCII letter it looks
// like where there is one, nothing for an invisible character, ' ' or '\n' for whitespace,
// and otherwise its NFKC, case-folded form in UTF-8.

#include <array>
#include <cstddef>

namespace bastion::guard {

// Most bytes one code point folds to (U+FDFA's compatibility form is 18 code points).
inline constexpr size_t kMaxFoldedBytes = 128;

// ASCII byte → folded byte: letters lowercased; tab, vertical tab and form feed → ' '; '\n'
// kept; other control characters → '\0' (dropped). The caller folds '\r' (CR LF is one
// break, a lone CR is one).
inline constexpr std::array<char, 128> kAsciiFold = [] {
  std::array<char, 128> table{};
  for (int c = 0x20; c < 0x7F; ++c) table[c] = static_cast<char>(c);
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = static_cast<char>(c - 'A' + 'a');
  table['\t'] = table['\v'] = table['\f'] = ' ';
  table['\n'] = '\n';
  return table;
}();

inline bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

// Writes the folded form of cp to dst (room for kMaxFoldedBytes) and returns its length.
// after_latin: the text so far ends in an ASCII letter or digit, so a combining mark of any
// script decorates it and is dropped ("i\u0308" and "i\u093F" both fold to "i"); after other
// letters only the Latin diacritics are dropped, so Hindi or Arabic keep their vowel signs.
// Handles every code point, ASCII too (the reference path folds ASCII through here).
size_t FoldCodePoint(char32_t cp, bool after_latin, char* dst);

}  // namespace bastion::guard
