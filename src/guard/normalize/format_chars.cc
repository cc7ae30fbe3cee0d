#include "guard/normalize/format_chars.h"

#include <algorithm>
#include <cstddef>
#include <iterator>

namespace bastion::guard {
namespace {

struct Range {
  char32_t first, last;
};

// REQUIRES: ranges sorted and disjoint. Binary search: every non-ASCII code point of a
// prompt asks, so a linear scan of the invisible ranges showed in profiles.
template <size_t N>
bool InRanges(char32_t cp, const Range (&ranges)[N]) {
  const Range* it = std::upper_bound(std::begin(ranges), std::end(ranges), cp,
                                     [](char32_t v, const Range& r) { return v < r.first; });
  return it != std::begin(ranges) && cp <= (it - 1)->last;
}

constexpr Range kInvisible[] = {
    {0x00AD, 0x00AD},    // soft hyphen
    {0x034F, 0x034F},    // combining grapheme joiner
    {0x061C, 0x061C},    // Arabic letter mark (bidi)
    {0x115F, 0x1160},    // Hangul choseong/jungseong fillers
    {0x17B4, 0x17B5},    // Khmer inherent vowels
    {0x180B, 0x180F},    // Mongolian variation selectors and vowel separator
    {0x200B, 0x200F},    // zero-width space, non-joiner, joiner; LRM, RLM
    {0x202A, 0x202E},    // bidi embeddings and overrides
    {0x2060, 0x2064},    // word joiner, invisible operators
    {0x2066, 0x206F},    // bidi isolates, deprecated format characters
    {0x3164, 0x3164},    // Hangul filler
    {0xFE00, 0xFE0F},    // variation selectors
    {0xFEFF, 0xFEFF},    // zero-width no-break space (BOM)
    {0xFFA0, 0xFFA0},    // halfwidth Hangul filler
    {0xFFF9, 0xFFFB},    // interlinear annotation controls
    {0x1BCA0, 0x1BCA3},  // shorthand format controls
    {0x1D173, 0x1D17A},  // musical symbol formatting
    {0xE0000, 0xE0FFF},  // tag characters, variation selectors supplement, reserved
};

constexpr Range kHorizontalSpace[] = {
    {0x00A0, 0x00A0}, {0x1680, 0x1680}, {0x2000, 0x200A},
    {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
};

constexpr Range kLatinDiacritics[] = {
    {0x0300, 0x036F},  // combining diacritical marks
    {0x1AB0, 0x1AFF},  // … extended
    {0x1DC0, 0x1DFF},  // … supplement
    {0x20D0, 0x20FF},  // … for symbols (enclosing circles, keycaps)
    {0xFE20, 0xFE2F},  // combining half marks
};

}  // namespace

bool IsInvisible(char32_t cp) { return cp >= 0x00AD && InRanges(cp, kInvisible); }

bool IsHorizontalSpace(char32_t cp) { return cp >= 0x00A0 && InRanges(cp, kHorizontalSpace); }

bool IsLineBreak(char32_t cp) { return cp == 0x0085 || cp == 0x2028 || cp == 0x2029; }

bool IsLatinDiacritic(char32_t cp) { return cp >= 0x0300 && InRanges(cp, kLatinDiacritics); }

}  // namespace bastion::guard
