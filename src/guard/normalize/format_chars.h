#pragma once
// Code points that change how text looks without being letters: invisible ones an attacker
// slips between letters ("ig\u200Bnore"), and the many spellings of a space or a line break.

namespace bastion::guard {

// Zero-width characters, soft hyphen, bidi controls, variation selectors, tag characters,
// fillers and other default-ignorable format characters: dropped by the normalizer.
bool IsInvisible(char32_t cp);

// Non-ASCII spaces (NBSP, U+2000…U+200A, ideographic space, …): folded to ' '.
bool IsHorizontalSpace(char32_t cp);

// Non-ASCII line breaks (NEL, line and paragraph separators): folded to '\n'.
bool IsLineBreak(char32_t cp);

// Combining diacritical marks (the blocks Zalgo text and accents use): dropped wherever they
// appear, while marks of other scripts are dropped only after a Latin letter.
bool IsLatinDiacritic(char32_t cp);

}  // namespace bastion::guard
