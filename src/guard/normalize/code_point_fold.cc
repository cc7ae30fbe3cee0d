#include "guard/normalize/code_point_fold.h"

#include <utf8proc.h>

#include "guard/normalize/format_chars.h"
#include "guard/normalize/homoglyphs.h"
#include "guard/normalize/utf8.h"

namespace bastion::guard {
namespace {

// NFKD plus case folding, per code point; marks are filtered here rather than with
// UTF8PROC_STRIPMARK, which would also strip the vowel signs of Indic scripts. IGNORE drops
// every default-ignorable code point, behind our own list of invisibles.
constexpr auto kDecomposeOptions = static_cast<utf8proc_option_t>(
    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
constexpr size_t kMaxParts = kMaxFoldedBytes / 4;

bool IsHangulSyllable(char32_t cp) { return cp >= 0xAC00 && cp <= 0xD7A3; }

bool IsMarkCategory(int category) {
  return category == UTF8PROC_CATEGORY_MN || category == UTF8PROC_CATEGORY_MC ||
         category == UTF8PROC_CATEGORY_ME;
}

bool IsCombiningMark(char32_t cp) {
  return IsMarkCategory(utf8proc_category(static_cast<utf8proc_int32_t>(cp)));
}

// Most code points outside Latin (CJK, emoji, most scripts) have no decomposition, no case
// folding and are no mark: they fold to themselves, and one property lookup says so, where
// decomposing costs ten times more.
bool FoldsToItself(char32_t cp) {
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return p->decomp_seqindex == UINT16_MAX && p->casefold_seqindex == UINT16_MAX && !p->ignorable &&
         !IsMarkCategory(p->category);
}

// Filters the decomposition of one code point in place; returns how many parts remain and
// sets kept_mark when a combining mark survives (the parts then need recomposing).
size_t FilterParts(utf8proc_int32_t* parts, size_t n, bool after_latin, bool& kept_mark) {
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto part = static_cast<char32_t>(parts[i]);
    char latin = '\0';
    if (part < 0x80) {
      latin = kAsciiFold[part];
      if (latin == '\0') continue;
    } else if (IsLatinDiacritic(part) || IsInvisible(part)) {
      continue;
    } else if (IsCombiningMark(part)) {
      if (after_latin) continue;
      kept_mark = true;
    } else {
      latin = LatinLookalike(part);
    }
    parts[kept++] = latin != '\0' ? latin : parts[i];
    after_latin = latin != '\0' && IsAsciiAlnum(latin);
  }
  return kept;
}

}  // namespace

size_t FoldCodePoint(char32_t cp, bool after_latin, char* dst) {
  if (IsInvisible(cp)) return 0;
  if (IsHorizontalSpace(cp)) return dst[0] = ' ', 1;
  if (IsLineBreak(cp)) return dst[0] = '\n', 1;
  if (cp >= 0x80 && cp < 0xA0) return 0;  // C1 control characters
  if (const char latin = LatinLookalike(cp); latin != '\0') return dst[0] = latin, 1;
  // NFKD would split a Hangul syllable into jamo; the syllable already is its NFKC form.
  if (IsHangulSyllable(cp) || (cp >= 0x80 && FoldsToItself(cp))) return EncodeUtf8(cp, dst);

  utf8proc_int32_t parts[kMaxParts];
  int boundclass = UTF8PROC_BOUNDCLASS_START;
  const utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), parts,
                                                     kMaxParts, kDecomposeOptions, &boundclass);
  if (n < 0 || static_cast<size_t>(n) > kMaxParts) return 0;
  bool kept_mark = false;
  utf8proc_ssize_t kept = FilterParts(parts, static_cast<size_t>(n), after_latin, kept_mark);
  // A letter of another script keeps its marks; recompose so "が" stays one code point.
  if (kept_mark) kept = utf8proc_normalize_utf32(parts, kept, UTF8PROC_COMPOSE);
  size_t length = 0;
  for (utf8proc_ssize_t i = 0; i < kept; ++i) {
    length += EncodeUtf8(static_cast<char32_t>(parts[i]), dst + length);
  }
  return length;
}

}  // namespace bastion::guard
