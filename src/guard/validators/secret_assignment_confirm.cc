// Confirm functions of the context rules whose value can be anything: generic secret
// assignments and Authorization headers (declared in secret_confirm.h).

#include <algorithm>
#include <string>

#include "guard/validators/secret_confirm.h"

#include "common/base64.h"
#include "guard/validators/secret_value.h"

namespace bastion::guard {
namespace {

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}
bool IsQuote(char c) { return c == '"' || c == '\'' || c == '`'; }

// Lowercase with separators dropped: "AWS_Secret-Access.Key" -> "awssecretaccesskey".
std::string Squashed(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '_' || c == '-' || c == '.' || c == ' ') continue;
    out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

// Key names that hold something other than the secret itself (its id, length, URL, the name
// of the variable it is read from), or that only contain a keyword ("author", "tokenizer"),
// or that a dedicated rule reports (AWS, Azure).
bool IsExcludedKey(std::string_view key) {
  static constexpr std::string_view kParts[] = {
      "author",       "tokeniz",       "tokens",     "id",
      "url",          "uri",           "endpoint",   "file",
      "path",         "name",          "type",       "length",
      "len",          "size",          "count",      "max",
      "min",          "limit",         "ttl",        "expir",
      "header",       "field",         "env",        "var",
      "prefix",       "format",        "version",    "mode",
      "policy",       "dir",           "enabled",    "required",
      "usage",        "budget",        "strength",   "hint",
      "reset",        "question",      "label",      "prompt",
      "placeholder",  "regex",         "pattern",    "validat",
      "manager",      "store",         "provider",   "ref",
      "arn",          "rotation",      "algorithm",  "domain",
      "host",         "server",        "scope",      "method",
      "scheme",       "realm",         "issuer",     "audience",
      "redirect",     "callback",      "awssecret",  "secretaccesskey",
      "sessiontoken", "securitytoken", "accountkey", "sharedaccesskey",
      "hash",         "salt",          "digest",     "secretary",
  };
  std::string k = Squashed(key);
  // Exact suffix words only for the short ones, so "apikeyid" is excluded but "tokenvalue" is not.
  for (std::string_view part : kParts) {
    if (part.size() <= 3 ? k.ends_with(part) : k.find(part) != std::string::npos) return true;
  }
  return false;
}

// Code, not a literal: calls, indexing, member paths and bare identifiers
// (os.environ["X"], getToken(), process.env.DB_PASSWORD, settings.SECRET_KEY).
bool IsCodeExpression(std::string_view v) {
  if (v.find_first_of("()[]") != std::string_view::npos) return true;
  bool has_digit = std::any_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  bool identifier = std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
           (c >= '0' && c <= '9');
  });
  return identifier && (!has_digit || v.find('.') != std::string_view::npos);
}

struct Assignment {
  std::string_view key;
  size_t key_start;
  Span value;
  char quote = 0;
};

// Parses "<key><quote?> <sep> <quote?><value>" from the keyword at candidate.start.
std::optional<Assignment> ParseAssignment(std::string_view text, Span candidate) {
  Assignment a;
  size_t ks = candidate.start;
  while (ks > 0 && IsKeyChar(text[ks - 1])) --ks;
  size_t ke = candidate.start;
  while (ke < candidate.end && IsKeyChar(text[ke])) ++ke;
  a.key = text.substr(ks, ke - ks);
  a.key_start = ks;
  size_t p = ke;
  if (p < candidate.end && IsQuote(text[p])) ++p;
  if (p < candidate.end && text[p] == ']') ++p;
  while (p < candidate.end && (text[p] == ' ' || text[p] == '\t')) ++p;
  while (p < candidate.end && (text[p] == ':' || text[p] == '=' || text[p] == '>')) ++p;
  while (p < candidate.end && (text[p] == ' ' || text[p] == '\t')) ++p;
  if (p < candidate.end && IsQuote(text[p])) a.quote = text[p++];
  if (p >= candidate.end) return std::nullopt;
  a.value = Span{p, candidate.end};
  if (a.quote) {
    if (candidate.end >= text.size() || text[candidate.end] != a.quote) return std::nullopt;
  } else {
    std::string_view v = text.substr(p, candidate.end - p);
    size_t cut = v.find_first_of(",;&}>");
    if (cut != std::string_view::npos) a.value.end = p + cut;
    while (a.value.end > a.value.start && text[a.value.end - 1] == '.') --a.value.end;
  }
  return a;
}

// The character before the key, past spaces: ';' '?' '&' put a password key inside a
// connection string, which secret.connection_string_password reports.
bool InConnectionString(std::string_view text, const Assignment& a) {
  size_t i = a.key_start;
  while (i > 0 && text[i - 1] == ' ') --i;
  if (i == 0) return false;
  char before = text[i - 1];
  std::string k = Squashed(a.key);
  return (before == ';' || before == '?' || before == '&') &&
         (k == "password" || k == "pwd" || k == "passwd");
}

// "auth.example.com", "demo.firebaseapp.com": a host name, not a credential.
bool IsHostName(std::string_view v) {
  size_t dot = v.rfind('.');
  if (dot == std::string_view::npos || dot + 2 > v.size()) return false;
  auto host_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
  };
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  return std::all_of(v.begin(), v.end(), host_char) &&
         std::all_of(v.begin() + dot + 1, v.end(), letter);
}

bool IsSecretValue(std::string_view v) {
  if (v.size() < 8 || v.size() > 256) return false;
  if (IsPlaceholderSecret(v) || HasFormatPrefix(v)) return false;
  // URLs, host names and URL-encoded names ("Root%20CA%20Certificates").
  if (v.find("://") != std::string_view::npos || v.find("%20") != std::string_view::npos ||
      IsHostName(v))
    return false;
  return LooksRandom(v, v.size() >= 16 ? 3.0 : 2.5);
}

// Decoded Basic credentials "user:password" with a real password.
bool IsBasicCredential(std::string_view b64) {
  std::optional<std::string> decoded = Base64DecodeLenient(b64);
  if (!decoded) return false;
  const std::string& out = *decoded;
  size_t colon = out.find(':');
  if (colon == std::string::npos || colon + 1 == out.size()) return false;
  return !IsPlaceholderSecret(std::string_view(out).substr(colon + 1));
}

}  // namespace

std::optional<Span> ConfirmSecretAssignment(std::string_view text, Span candidate) {
  auto a = ParseAssignment(text, candidate);
  if (!a || IsExcludedKey(a->key) || InConnectionString(text, *a)) return std::nullopt;
  std::string_view v = text.substr(a->value.start, a->value.size());
  if (!a->quote && IsCodeExpression(v)) return std::nullopt;
  if (!IsSecretValue(v)) return std::nullopt;
  return a->value;
}

std::optional<Span> ConfirmAuthorizationHeader(std::string_view text, Span candidate) {
  // The match holds the credential's first 16 characters; the rest follows.
  auto credential_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("._~+/=-").find(c) != std::string_view::npos;
  };
  while (candidate.end < text.size() && credential_char(text[candidate.end])) ++candidate.end;
  size_t start = candidate.end;
  while (start > candidate.start && text[start - 1] != ' ' && text[start - 1] != '\t') --start;
  Span cred{start, candidate.end};
  std::string_view v = text.substr(cred.start, cred.size());
  std::string scheme = Squashed(text.substr(candidate.start, start - candidate.start));
  if (scheme.ends_with("basic")) {
    if (!IsBasicCredential(v)) return std::nullopt;
    return cred;
  }
  if (HasFormatPrefix(v) || IsPlaceholderSecret(v) || !LooksRandom(v, 3.0)) return std::nullopt;
  return cred;
}

}  // namespace bastion::guard
