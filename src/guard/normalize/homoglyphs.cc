#include "guard/normalize/homoglyphs.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace bastion::guard {
namespace {

struct Confusable {
  char32_t cp;
  char latin;
};

// Sorted by code point (a static_assert checks it).
constexpr Confusable kConfusables[] = {
    {0x00B7, '.'},  // middle dot, as in "i·g·n·o·r·e"
    {0x0131, 'i'},  // dotless i
    {0x0237, 'j'},  // dotless j
    {0x0251, 'a'},
    {0x0261, 'g'},
    {0x0269, 'i'},
    {0x026A, 'i'},
    {0x028F, 'y'},  // IPA
    {0x02BC, '\''},
    {0x02C8, '\''},  // modifier marks
    // Greek capitals whose lowercase does not look Latin (Η→η, Ζ→ζ, Ν→ν would mislead).
    {0x0391, 'a'},
    {0x0392, 'b'},
    {0x0395, 'e'},
    {0x0396, 'z'},
    {0x0397, 'h'},
    {0x0399, 'i'},
    {0x039A, 'k'},
    {0x039C, 'm'},
    {0x039D, 'n'},
    {0x039F, 'o'},
    {0x03A1, 'p'},
    {0x03A4, 't'},
    {0x03A5, 'y'},
    {0x03A7, 'x'},
    // Greek small letters.
    {0x03B1, 'a'},
    {0x03B2, 'b'},
    {0x03B3, 'y'},
    {0x03B5, 'e'},
    {0x03B7, 'n'},
    {0x03B9, 'i'},
    {0x03BA, 'k'},
    {0x03BC, 'u'},
    {0x03BD, 'v'},
    {0x03BF, 'o'},
    {0x03C1, 'p'},
    {0x03C2, 'c'},
    {0x03C4, 't'},
    {0x03C5, 'u'},
    {0x03C7, 'x'},
    {0x03C9, 'w'},
    {0x03F2, 'c'},
    {0x03F3, 'j'},
    {0x03F9, 'c'},
    // Cyrillic capitals (casefolding turns them into the small letters below, but the
    // capitals are listed so the mapping does not depend on that).
    {0x0405, 's'},
    {0x0406, 'i'},
    {0x0408, 'j'},
    {0x0410, 'a'},
    {0x0412, 'b'},
    {0x0415, 'e'},
    {0x041A, 'k'},
    {0x041C, 'm'},
    {0x041D, 'h'},
    {0x041E, 'o'},
    {0x0420, 'p'},
    {0x0421, 'c'},
    {0x0422, 't'},
    {0x0423, 'y'},
    {0x0425, 'x'},
    {0x042C, 'b'},
    // Cyrillic small letters.
    {0x0430, 'a'},
    {0x0432, 'b'},
    {0x0435, 'e'},
    {0x043A, 'k'},
    {0x043C, 'm'},
    {0x043D, 'h'},
    {0x043E, 'o'},
    {0x0440, 'p'},
    {0x0441, 'c'},
    {0x0442, 't'},
    {0x0443, 'y'},
    {0x0445, 'x'},
    {0x044C, 'b'},
    {0x0455, 's'},
    {0x0456, 'i'},
    {0x0458, 'j'},
    {0x0475, 'v'},
    {0x04AE, 'y'},
    {0x04AF, 'y'},
    {0x04BB, 'h'},
    {0x04C0, 'l'},
    {0x04CF, 'l'},
    {0x0500, 'd'},
    {0x0501, 'd'},
    {0x051A, 'q'},
    {0x051B, 'q'},
    {0x051C, 'w'},
    {0x051D, 'w'},
    // Armenian.
    {0x0566, 'q'},
    {0x0570, 'h'},
    {0x0578, 'n'},
    {0x057D, 'u'},
    {0x0581, 'g'},
    {0x0584, 'f'},
    {0x0585, 'o'},
    // Punctuation look-alikes that separate spaced letters or quote.
    {0x2010, '-'},
    {0x2011, '-'},
    {0x2012, '-'},
    {0x2013, '-'},
    {0x2014, '-'},
    {0x2015, '-'},
    {0x2018, '\''},
    {0x2019, '\''},
    {0x201C, '"'},
    {0x201D, '"'},
    {0x2022, '.'},
    {0x2044, '/'},
    {0x2212, '-'},
    {0x2215, '/'},
    {0x2219, '.'},
    {0x22C5, '.'},
    {0x3002, '.'},
};

constexpr bool SortedByCodePoint() {
  for (size_t i = 1; i < std::size(kConfusables); ++i) {
    if (kConfusables[i - 1].cp >= kConfusables[i].cp) return false;
  }
  return true;
}

// Letters without a compatibility decomposition, A-Z in order from each block's base.
struct LetterBlock {
  char32_t first;
};
constexpr LetterBlock kLetterBlocks[] = {
    {0x1F150},  // negative circled capital letters
    {0x1F170},  // negative squared capital letters
    {0x1F1E6},  // regional indicator symbols (flag letters)
};

}  // namespace

char LatinLookalike(char32_t cp) {
  static_assert(SortedByCodePoint(), "kConfusables must be sorted by code point");
  if (cp >= 0x1F150) {
    for (const LetterBlock& block : kLetterBlocks) {
      if (cp >= block.first && cp < block.first + 26) {
        return static_cast<char>('a' + (cp - block.first));
      }
    }
    return '\0';
  }
  const auto* it = std::lower_bound(std::begin(kConfusables), std::end(kConfusables), cp,
                                    [](const Confusable& c, char32_t v) { return c.cp < v; });
  return it != std::end(kConfusables) && it->cp == cp ? it->latin : '\0';
}

}  // namespace bastion::guard
