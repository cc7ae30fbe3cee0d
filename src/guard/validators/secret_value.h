#pragma once
// Judgements about a candidate secret value, shared by the secrets detector's confirm
// functions: is it a documentation placeholder, random enough to be a credential, or a value a
// more specific format rule already reports.

#include <string_view>

namespace bastion::guard {

// Documentation and template stand-ins rather than a credential: "<token>", "${DB_PASSWORD}",
// "{{ .Values.password }}", "$SECRET", "%s", "****", "xxxxxxxx", "your_api_key_here",
// "changeme", "sk-...", and plain dictionary words ("password", "P@ssw0rd1" folds to one).
bool IsPlaceholderSecret(std::string_view value);

// Random-looking enough to be a generated credential: at least two character classes
// (lower, upper, digit, other), no run of 5 equal characters, and Shannon entropy of at
// least `min_bits` per byte.
bool LooksRandom(std::string_view value, double min_bits);

// Starts like a token that a prefix-anchored format rule reports (ghp_, AKIA, sk-ant-, eyJ,
// ...), so a context rule (generic assignment, Authorization header) leaves it to that rule.
bool HasFormatPrefix(std::string_view value);

// postgres, mysql, mongodb+srv, redis, amqp, ...: credentials in these URLs are connection
// strings (secret.connection_string), in any other scheme URL credentials.
bool IsDatabaseScheme(std::string_view scheme);

}  // namespace bastion::guard
