#pragma once
// The normalizer's first pass: folds every code point of a piece of text (see
// code_point_fold.h) and appends the result to a NormalizedText, keeping each output byte's
// origin. Runs of printable ASCII take a word-at-a-time fast path; everything else goes
// through the per-code-point fold. Whitespace is mapped but not yet collapsed, so the second
// pass (word_fold.h) can tell "i g n o r e  a l l" has two words.

#include <string_view>

#include "guard/normalize/normalizer.h"
#include "guard/normalize/origin_map.h"

namespace bastion::guard {

// kReference sends every code point, ASCII included, through FoldCodePoint (and so through
// libutf8proc); tests check the fast path against it.
enum class FoldPath { kFast, kReference };

// Appends the folded form of bytes to out.text and out.origin. Invalid UTF-8 bytes are
// dropped one at a time. Returns true when the appended text differs from the
// ASCII-lowercased bytes.
bool AppendCodePointsFolded(std::string_view bytes, OriginMap origins, FoldPath path,
                            NormalizedText& out);

}  // namespace bastion::guard
