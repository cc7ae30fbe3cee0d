#pragma once
// Leet spelling inside a word: "1gn0r3" → "ignore", "pa$$w0rd" → "password". A word only
// counts as leet when it mixes letters with digits or symbols; readable mixes that are not
// leet keep their digits so rules about them still match: pure numbers ("2023"), numbers with
// a unit ("4k", "1st", "10am"), names with a trailing version ("gpt4", "python3", "rot13"),
// hex literals and hashes ("0x1f", "9f86d081"), and e-mail addresses ("a@b.com").

#include <cstddef>

namespace bastion::guard {

// Rewrites the folded word word[0, length) in place when it is leet; returns whether it did.
// A word holds a-z, 0-9, '@', '$', bytes >= 0x80, and '|' or '!' between other word bytes.
// next: the byte after the word ('\0' at the end), which tells "a@b" in "a@b.com" apart.
bool FoldLeetWord(char* word, size_t length, char next);

}  // namespace bastion::guard
