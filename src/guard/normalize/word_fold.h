#pragma once
// The normalizer's second pass, over text the first pass folded: collapses spaced letters
// ("i g n o r e", "i.g.n.o.r.e") into words, undoes leet spelling inside words (leet.h), and
// collapses runs of spaces to one. Works in place: the text only shrinks, so each byte is
// read before anything is written over it.

#include <cstddef>

#include "guard/normalize/normalizer.h"

namespace bastion::guard {

// Folds out.text[begin, end()) and out.origin alike, in place, and trims both to the new
// length. Returns true when anything changed.
bool FoldWords(NormalizedText& out, size_t begin);

}  // namespace bastion::guard
