#include "auth/keys/api_key.h"

#include <openssl/rand.h>

#include <array>
#include <cstdlib>

namespace bastion::auth {
namespace {

constexpr size_t kIdLength = 12;
constexpr size_t kSecretBytes = 32;
constexpr std::string_view kIdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view kHexDigits = "0123456789abcdef";

template <size_t N>
std::array<unsigned char, N> RandomBytes() {
  std::array<unsigned char, N> bytes{};
  // Failure of the system CSPRNG leaves no safe way to mint a credential.
  if (RAND_bytes(bytes.data(), static_cast<int>(N)) != 1) std::abort();
  return bytes;
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (kHexDigits.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

std::string GenerateKeySecret() {
  auto bytes = RandomBytes<kSecretBytes>();
  std::string secret;
  secret.reserve(2 * kSecretBytes);
  for (unsigned char b : bytes) {
    secret += kHexDigits[b >> 4];
    secret += kHexDigits[b & 15];
  }
  return secret;
}

ApiKey GenerateApiKey() {
  auto bytes = RandomBytes<kIdLength>();
  ApiKey key;
  for (unsigned char b : bytes) key.id += kIdAlphabet[b & 31];
  key.secret = GenerateKeySecret();
  return key;
}

bool IsValidKeyId(std::string_view id) {
  if (id.size() != kIdLength) return false;
  for (char c : id) {
    if (kIdAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::optional<ApiKey> ParseApiKey(std::string_view text) {
  constexpr std::string_view kPrefix = "bst_";
  if (text.size() != kPrefix.size() + kIdLength + 1 + 2 * kSecretBytes) return std::nullopt;
  if (!text.starts_with(kPrefix)) return std::nullopt;
  std::string_view id = text.substr(kPrefix.size(), kIdLength);
  std::string_view rest = text.substr(kPrefix.size() + kIdLength);
  if (rest[0] != '_' || !IsValidKeyId(id)) return std::nullopt;
  std::string_view secret = rest.substr(1);
  if (!IsLowerHex(secret)) return std::nullopt;
  return ApiKey{std::string(id), std::string(secret)};
}

}  // namespace bastion::auth
