#pragma once
// Confusables that NFKC leaves alone: letters of other scripts (Cyrillic, Greek, Armenian,
// IPA, …) and a few punctuation marks drawn to look like an ASCII character, after the idea of
// Unicode's confusables.txt (UTS #39). Only look-alikes an attacker would use to spell an
// English trigger word past a filter are listed, both cases where the script has them.

namespace bastion::guard {

// The lowercase ASCII character that cp imitates, or '\0' when cp imitates none.
char LatinLookalike(char32_t cp);

}  // namespace bastion::guard
