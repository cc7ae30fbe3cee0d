#include "auth/jwt/base64url.h"

#include <array>
#include <cstdint>

namespace bastion::auth {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr uint8_t kInvalid = 0xff;

constexpr std::array<uint8_t, 256> MakeDecodeTable() {
  std::array<uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<uint8_t>(kAlphabet[i])] = static_cast<uint8_t>(i);
  }
  return table;
}

constexpr std::array<uint8_t, 256> kDecode = MakeDecodeTable();

Status Malformed(std::string_view what, std::string_view why) {
  return Status::InvalidArgument(std::string(what) + " is not valid base64url (" +
                                 std::string(why) + ")");
}

}  // namespace

Result<std::string> DecodeBase64Url(std::string_view text, size_t max_bytes,
                                    std::string_view what) {
  // A lone trailing character carries 6 bits: less than one byte, so no encoder emits it.
  if (text.size() % 4 == 1) return Malformed(what, "impossible length");
  const size_t decoded_size =
      text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1);
  if (decoded_size > max_bytes) {
    return Status::InvalidArgument(std::string(what) + " is longer than " +
                                   std::to_string(max_bytes) + " bytes");
  }
  std::string out;
  out.reserve(decoded_size);
  uint32_t bits = 0;
  int bit_count = 0;
  for (char c : text) {
    const uint8_t value = kDecode[static_cast<uint8_t>(c)];
    if (value == kInvalid) return Malformed(what, "a character outside the alphabet");
    bits = (bits << 6) | value;
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xff));
    }
  }
  if ((bits & ((1u << bit_count) - 1)) != 0) return Malformed(what, "non-zero trailing bits");
  return out;
}

std::string EncodeBase64Url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t bits = 0;
  int bit_count = 0;
  for (char c : bytes) {
    bits = (bits << 8) | static_cast<uint8_t>(c);
    bit_count += 8;
    while (bit_count >= 6) {
      bit_count -= 6;
      out.push_back(kAlphabet[(bits >> bit_count) & 0x3f]);
    }
  }
  if (bit_count > 0) out.push_back(kAlphabet[(bits << (6 - bit_count)) & 0x3f]);
  return out;
}

bool IsBase64UrlText(std::string_view text) {
  for (char c : text) {
    if (kDecode[static_cast<uint8_t>(c)] == kInvalid) return false;
  }
  return true;
}

}  // namespace bastion::auth
