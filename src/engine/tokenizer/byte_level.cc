#include "engine/tokenizer/byte_level.h"

#include <array>
#include <cstdint>

namespace bastion::engine {
namespace {

bool MapsToItself(int b) {
  return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

// Byte -> code point, in GPT-2's order: bytes that map to themselves keep their value, the
// others take U+0100 onwards in byte order.
constexpr int kAlphabet = 256;
std::array<uint16_t, kAlphabet> BuildCodePoints() {
  std::array<uint16_t, kAlphabet> cp{};
  int next = 0x100;
  for (int b = 0; b < kAlphabet; ++b) cp[b] = static_cast<uint16_t>(MapsToItself(b) ? b : next++);
  return cp;
}

const std::array<uint16_t, kAlphabet>& CodePoints() {
  static const auto kCodePoints = BuildCodePoints();
  return kCodePoints;
}

// Code point (< 0x144) -> byte, or -1.
const std::array<int16_t, 0x144>& Bytes() {
  static const auto kBytes = [] {
    std::array<int16_t, 0x144> bytes;
    bytes.fill(-1);
    const auto& cp = CodePoints();
    for (int b = 0; b < kAlphabet; ++b) bytes[cp[b]] = static_cast<int16_t>(b);
    return bytes;
  }();
  return kBytes;
}

}  // namespace

void AppendByteLevel(std::string_view bytes, std::string& out) {
  const auto& cp = CodePoints();
  for (unsigned char b : bytes) {
    uint16_t c = cp[b];
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {  // all code points here are below U+0800: two UTF-8 bytes
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
}

bool AppendBytesOfByteLevel(std::string_view text, std::string& out) {
  const auto& bytes = Bytes();
  for (size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    int c;
    if (lead < 0x80) {
      c = lead;
      i += 1;
    } else if ((lead & 0xE0) == 0xC0 && i + 1 < text.size() &&
               (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
      c = ((lead & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F);
      i += 2;
    } else {
      return false;
    }
    if (c >= static_cast<int>(bytes.size()) || bytes[c] < 0) return false;
    out += static_cast<char>(bytes[c]);
  }
  return true;
}

}  // namespace bastion::engine
