#pragma once
// rot13, the "cipher" jailbreaks ask the model to decode: applied to the folded text only
// when the text talks about it, since rot13 of ordinary prose is noise.

#include <string_view>

namespace bastion::guard {

// Whether folded (lowercase) text mentions rot13 ("rot13", "rot-13", "rot 13", "rot_13") or a
// Caesar cipher.
bool MentionsRot13(std::string_view folded);

// c rotated by 13 letters; everything but ASCII letters unchanged.
inline char Rot13(char c) {
  if (c >= 'a' && c <= 'z') return static_cast<char>('a' + (c - 'a' + 13) % 26);
  if (c >= 'A' && c <= 'Z') return static_cast<char>('A' + (c - 'A' + 13) % 26);
  return c;
}

}  // namespace bastion::guard
