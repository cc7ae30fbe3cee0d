#include "guard/normalize/byte_masks.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace bastion::guard {

ByteMasks ClassifyWindowScalar(const char* p) {
  ByteMasks m;
  for (unsigned i = 0; i < kWindowBytes; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    const uint64_t bit = uint64_t{1} << i;
    if (c >= 'a' && c <= 'z') m.letter |= bit;
    if ((c >= '0' && c <= '9') || c == '@' || c == '$' || c >= 0x80) m.mark |= bit;
    if (c == '|' || c == '!') m.inner |= bit;
    if (c == ' ') m.space |= bit;
  }
  return m;
}

#ifdef __SSE2__

namespace {

// Bytes in [first, first + count): shifted so the range starts at -128, then one signed compare.
__m128i InRange(__m128i x, char first, int count) {
  const __m128i shifted = _mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(-128 - first)));
  return _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + count)));
}

__m128i Equals(__m128i x, char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); }

uint64_t Bits(__m128i lanes, unsigned block) {
  return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(lanes))) << (16 * block);
}

}  // namespace

ByteMasks ClassifyWindow(const char* p) {
  ByteMasks m;
  for (unsigned block = 0; block < kWindowBytes / 16; ++block) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * block));
    const __m128i high = _mm_cmplt_epi8(x, _mm_setzero_si128());
    const __m128i mark = _mm_or_si128(_mm_or_si128(InRange(x, '0', 10), high),
                                      _mm_or_si128(Equals(x, '@'), Equals(x, '$')));
    m.letter |= Bits(InRange(x, 'a', 26), block);
    m.mark |= Bits(mark, block);
    m.inner |= Bits(_mm_or_si128(Equals(x, '|'), Equals(x, '!')), block);
    m.space |= Bits(Equals(x, ' '), block);
  }
  return m;
}

#else

ByteMasks ClassifyWindow(const char* p) { return ClassifyWindowScalar(p); }

#endif

}  // namespace bastion::guard
