#include "redteam/text_codec.h"

namespace bastion::redteam {
namespace {

// Shorter texts are words ("Sure", "no"), not encoded answers worth decoding.
constexpr size_t kMinBase64Chars = 4;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The base64 characters without whitespace and padding; nullopt when padding is anywhere but
// at the end or the text is too short (the decoder rejects characters outside both
// alphabets: models mix "+/" and "-_" up).
std::optional<std::string> Base64Digits(std::string_view text) {
  std::string digits;
  digits.reserve(text.size());
  size_t padding = 0;
  for (char c : text) {
    if (IsSpace(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;
    digits.push_back(c);
  }
  if (digits.size() + padding < kMinBase64Chars || padding > 2) return std::nullopt;
  if (padding > 0 && (digits.size() + padding) % 4 != 0) return std::nullopt;
  if (digits.size() % 4 == 1) return std::nullopt;  // 6 bits cannot end a byte
  return digits;
}

// Length of the UTF-8 sequence starting with `lead`, 0 if `lead` cannot start one.
size_t Utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) and no
// control characters but tab and line breaks: decoded binary is rarely that, so this tells a
// base64 answer from a word that happens to use only base64 letters.
bool IsUtf8Text(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    const size_t len = Utf8SequenceLength(lead);
    if (len == 0 || i + len > bytes.size()) return false;
    if (len == 1 && lead < 0x20 && lead != '\t' && lead != '\n' && lead != '\r') return false;
    if (len == 1 && lead == 0x7F) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(bytes[i + k]) & 0xC0) != 0x80) return false;
    }
    if (len > 2) {
      const auto second = static_cast<unsigned char>(bytes[i + 1]);
      if (lead == 0xE0 && second < 0xA0) return false;  // overlong
      if (lead == 0xED && second > 0x9F) return false;  // UTF-16 surrogate
      if (lead == 0xF0 && second < 0x90) return false;  // overlong
      if (lead == 0xF4 && second > 0x8F) return false;  // past U+10FFFF
    }
    i += len;
  }
  return true;
}

// Leetspeak pairs: kLeetLetters[i] is written kLeetDigits[i].
constexpr std::string_view kLeetLetters = "aeiost";
constexpr std::string_view kLeetDigits = "431057";

char RotateLetter(char c, char base) { return static_cast<char>(base + (c - base + 13) % 26); }

}  // namespace

std::optional<std::string> Base64DecodeText(std::string_view text) {
  std::optional<std::string> digits = Base64Digits(text);
  if (!digits) return std::nullopt;
  std::optional<std::string> out = Base64DecodeLenient(*digits);
  if (!out || !IsUtf8Text(*out)) return std::nullopt;
  return out;
}

std::string Rot13(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = RotateLetter(c, 'a');
    if (c >= 'A' && c <= 'Z') c = RotateLetter(c, 'A');
  }
  return out;
}

std::string LeetEncode(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    const size_t at = kLeetLetters.find(lower);
    if (at != std::string_view::npos) c = kLeetDigits[at];
  }
  return out;
}

// Every mapped digit becomes its lowercase letter: a leetspeak answer spells "is" as "15", so
// digits cannot be told from numbers, and judges read words, not figures.
std::string LeetDecode(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const size_t at = kLeetDigits.find(c);
    if (at != std::string_view::npos) c = kLeetLetters[at];
  }
  return out;
}

std::string Utf8Prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  // Back off continuation bytes (10xxxxxx) so the cut never splits a character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

}  // namespace bastion::redteam
