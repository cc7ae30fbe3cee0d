#pragma once
// Strict UTF-8 decoding and encoding of single code points, for the normalizer's slow path.
// Strict means what RFC 3629 allows: no overlong forms, no surrogates (U+D800…U+DFFF), nothing
// above U+10FFFF, so a smuggled "lone surrogate" or overlong '/' is rejected, not folded.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bastion::guard {

// Decodes the sequence starting at s[i]. Returns its length (1…4) and sets cp, or 0 when
// s[i] does not start a complete, valid sequence. REQUIRES: i < s.size().
inline size_t DecodeUtf8(std::string_view s, size_t i, char32_t& cp) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const auto cont = [&](size_t k) { return i + k < s.size() && (byte(k) & 0xC0) == 0x80; };
  const uint8_t b0 = byte(0);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  if (b0 < 0xC2) return 0;  // continuation byte, or the overlong lead bytes C0/C1
  if (b0 < 0xE0) {
    if (!cont(1)) return 0;
    cp = (char32_t{b0 & 0x1Fu} << 6) | (byte(1) & 0x3Fu);
    return 2;
  }
  if (b0 < 0xF0) {
    if (!cont(1) || !cont(2)) return 0;
    cp = (char32_t{b0 & 0x0Fu} << 12) | (char32_t{byte(1) & 0x3Fu} << 6) | (byte(2) & 0x3Fu);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return 3;
  }
  if (b0 > 0xF4 || !cont(1) || !cont(2) || !cont(3)) return 0;
  cp = (char32_t{b0 & 0x07u} << 18) | (char32_t{byte(1) & 0x3Fu} << 12) |
       (char32_t{byte(2) & 0x3Fu} << 6) | (byte(3) & 0x3Fu);
  if (cp < 0x10000 || cp > 0x10FFFF) return 0;
  return 4;
}

// Writes cp as UTF-8 to dst and returns the length. REQUIRES: cp is a scalar value (not a
// surrogate, at most U+10FFFF) and dst has room for 4 bytes.
inline size_t EncodeUtf8(char32_t cp, char* dst) {
  if (cp < 0x80) {
    dst[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    dst[0] = static_cast<char>(0xC0 | (cp >> 6));
    dst[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    dst[0] = static_cast<char>(0xE0 | (cp >> 12));
    dst[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    dst[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  dst[0] = static_cast<char>(0xF0 | (cp >> 18));
  dst[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  dst[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  dst[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

}  // namespace bastion::guard
