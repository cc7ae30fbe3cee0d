#include "guard/normalize/run_decoder.h"

#include <array>

#include "guard/normalize/utf8.h"

namespace bastion::guard {
namespace {

constexpr uint8_t kInvalid = 0xFF;

// Both alphabets at once: '+' and '-' are 62, '/' and '_' are 63.
constexpr std::array<uint8_t, 256> kBase64Value = [] {
  std::array<uint8_t, 256> table{};
  table.fill(kInvalid);
  for (int i = 0; i < 26; ++i) table['A' + i] = static_cast<uint8_t>(i);
  for (int i = 0; i < 26; ++i) table['a' + i] = static_cast<uint8_t>(26 + i);
  for (int i = 0; i < 10; ++i) table['0' + i] = static_cast<uint8_t>(52 + i);
  table['+'] = table['-'] = 62;
  table['/'] = table['_'] = 63;
  return table;
}();

uint8_t HexValue(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
  return static_cast<uint8_t>(c - 'A' + 10);
}

void Put(DecodedText& out, uint8_t byte, uint32_t origin) {
  out.bytes.push_back(static_cast<char>(byte));
  out.origin.push_back(origin);
}

// Decoded byte k comes from the character holding its high bits: 4 * (k / 3) + k % 3.
void DecodeBase64(std::string_view s, const EncodedRun& run, OriginMap origins, DecodedText& out) {
  size_t begin = run.begin;
  // Padding fixes the alignment: "xSGVsbG8=" is "x" glued to "SGVsbG8=".
  size_t padding = 0;
  while (padding < 2 && run.end + padding < s.size() && s[run.end + padding] == '=') ++padding;
  if (padding > 0) begin += (run.end - begin + padding) % 4;
  uint32_t bits = 0;
  int pending = 0;
  for (size_t i = begin; i < run.end; ++i) {
    bits = (bits << 6) | kBase64Value[static_cast<uint8_t>(s[i])];
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      const size_t k = out.bytes.size();
      Put(out, static_cast<uint8_t>(bits >> pending), origins(begin + 4 * (k / 3) + k % 3));
    }
  }
}

// Hex digit pairs starting at run.begin, `stride` bytes apart, the digits `skip` bytes in.
void DecodeHex(std::string_view s, const EncodedRun& run, size_t stride, size_t skip,
               OriginMap origins, DecodedText& out) {
  for (size_t i = run.begin + skip; i + 1 < run.end; i += stride) {
    Put(out, static_cast<uint8_t>(HexValue(s[i]) << 4 | HexValue(s[i + 1])), origins(i - skip));
  }
}

void Decode(std::string_view s, const EncodedRun& run, EncodedRun::Kind kind, OriginMap origins,
            DecodedText& out) {
  out.bytes.clear();
  out.origin.clear();
  switch (kind) {
    case EncodedRun::Kind::kBase64:
      return DecodeBase64(s, run, origins, out);
    case EncodedRun::Kind::kHexOrBase64:
    case EncodedRun::Kind::kHex:
      return DecodeHex(s, run, 2, 0, origins, out);
    case EncodedRun::Kind::kHexEscaped:
      return DecodeHex(s, run, 4, 2, origins, out);
    case EncodedRun::Kind::kHexPairs:
      return DecodeHex(s, run, 3, 0, origins, out);
  }
}

bool IsPrintable(char32_t cp) {
  if (cp < 0x80) return (cp >= 0x20 && cp < 0x7F) || cp == '\t' || cp == '\n' || cp == '\r';
  return cp >= 0xA0;
}

}  // namespace

bool DecodeRun(std::string_view bytes, const EncodedRun& run, OriginMap origins, DecodedText& out) {
  Decode(bytes, run, run.kind, origins, out);
  if (IsMostlyPrintable(out.bytes)) return true;
  if (run.kind != EncodedRun::Kind::kHexOrBase64) return false;
  Decode(bytes, run, EncodedRun::Kind::kBase64, origins, out);
  return IsMostlyPrintable(out.bytes);
}

bool IsMostlyPrintable(std::string_view bytes) {
  size_t total = 0, printable = 0;
  for (size_t i = 0; i < bytes.size(); ++total) {
    char32_t cp;
    const size_t length = DecodeUtf8(bytes, i, cp);
    printable += length > 0 && IsPrintable(cp);
    i += length > 0 ? length : 1;
  }
  return total > 0 && printable * 10 >= total * 9;
}

}  // namespace bastion::guard
