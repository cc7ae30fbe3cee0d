#pragma once
// The text the jailbreak, prompt-injection and harm rules scan: the input folded so that
// obfuscation does not hide an attack. Unicode compatibility forms, homoglyphs, invisible
// characters, case, spaced and leet letters all fold to plain lowercase ASCII, and base64,
// hex and rot13 payloads are decoded and appended.
//
// What the output is (rules are written against it):
//   - Each code point is folded: NFKC compatibility mapping and case folding (libutf8proc),
//     Cyrillic/Greek/… look-alikes to their Latin letter, accents stripped from letters,
//     zero-width, bidi, variation-selector and tag characters dropped, ASCII lowercased.
//     Text with no ASCII look-alike (CJK, Arabic, Hindi, …) stays UTF-8.
//   - Horizontal whitespace runs (space, tab, NBSP, U+2000…) become one ' '; every line
//     break (\n, \r\n, \r, U+2028, U+2029, U+0085) becomes one '\n' and is kept.
//   - At least four single letters split by the same separator ("i g n o r e",
//     "i.g.n.o.r.e", "i-g-n-o-r-e") collapse into one word.
//   - In a word mixing letters with digits or symbols, leet maps 0→o 1→i 3→e 4→a 5→s 7→t
//     @→a $→s and, between letters, |→l !→i ("1gn0r3" → "ignore"). Pure numbers, numbers
//     with a unit ("4k", "1st"), names with a trailing version ("gpt4", "python3"), hex
//     literals and hashes, and e-mail addresses are left alone.
//   - Then each decoded segment, after a '\n', folded the same way: base64 (standard or
//     URL-safe) and hex runs that decode to printable text, up to two levels deep, and the
//     rot13 of the folded text when the input mentions rot13 or caesar. Decoded output is
//     capped at twice the input size.
//
// Thread-safe (decoding uses per-thread scratch). Inputs past 4 GiB are folded up to that
// point only (origins are 32-bit).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::guard {

struct NormalizedText {
  std::string text;              // the folded text, then each decoded segment after a '\n'
  std::vector<uint32_t> origin;  // origin[i] = byte offset in the input that text[i] came from
  bool changed = false;          // text differs from ASCII-lowercasing the input
};

// Reuses out's buffers (no allocation in steady state). Never fails: invalid UTF-8 bytes are
// dropped, never cause UB.
void Normalize(std::string_view input, NormalizedText& out);

}  // namespace bastion::guard
