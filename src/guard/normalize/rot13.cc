#include "guard/normalize/rot13.h"

#include <bit>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace bastion::guard {
namespace {

bool IsCueAt(std::string_view text, size_t i) {
  std::string_view rest = text.substr(i);
  if (rest.starts_with("caesar")) return true;
  if (!rest.starts_with("rot")) return false;
  rest.remove_prefix(3);
  if (!rest.empty() && (rest[0] == '-' || rest[0] == ' ' || rest[0] == '_')) rest.remove_prefix(1);
  return rest.starts_with("13");
}

}  // namespace

bool MentionsRot13(std::string_view folded) {
  size_t i = 0;
#ifdef __SSE2__
  // Only where "cae" or "rot" starts is a cue possible; find those 16 positions at a time.
  const auto eq = [](__m128i x, char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); };
  for (; i + 18 <= folded.size(); i += 16) {
    const auto load = [&](size_t at) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(folded.data() + at));
    };
    const __m128i a = load(i), b = load(i + 1), c = load(i + 2);
    const __m128i cae = _mm_and_si128(_mm_and_si128(eq(a, 'c'), eq(b, 'a')), eq(c, 'e'));
    const __m128i rot = _mm_and_si128(_mm_and_si128(eq(a, 'r'), eq(b, 'o')), eq(c, 't'));
    for (unsigned mask = _mm_movemask_epi8(_mm_or_si128(cae, rot)); mask != 0; mask &= mask - 1) {
      if (IsCueAt(folded, i + std::countr_zero(mask))) return true;
    }
  }
#endif
  for (; i < folded.size(); ++i) {
    if (IsCueAt(folded, i)) return true;
  }
  return false;
}

}  // namespace bastion::guard
