#pragma once
// The API key format: "bst_<id>_<secret>". The id (12 characters of [a-z2-7]) names the key
// in lists, logs and limits and finds its record in O(1); the secret (64 hex digits, 256
// random bits) is shown once and stored only as a keyed hash (KeyHasher).
//
// Parsing is strict, so a presented credential that is not exactly this shape (say, an
// SQL-injection-shaped id) is refused before any lookup.

#include <optional>
#include <string>
#include <string_view>

namespace bastion::auth {

struct ApiKey {
  std::string id;
  std::string secret;

  std::string Text() const { return "bst_" + id + "_" + secret; }
};

// Fresh random id and secret from the operating system's CSPRNG.
ApiKey GenerateApiKey();
// A new secret for an existing id (rotation).
std::string GenerateKeySecret();
std::optional<ApiKey> ParseApiKey(std::string_view text);
bool IsValidKeyId(std::string_view id);

}  // namespace bastion::auth
