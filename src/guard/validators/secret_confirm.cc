#include "guard/validators/secret_confirm.h"

#include <algorithm>
#include <string>

#include "common/base64.h"
#include "guard/validators/secret_value.h"

namespace bastion::guard {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsBase64(char c) { return IsAlnum(c) || c == '+' || c == '/'; }
bool IsBase64Url(char c) { return IsAlnum(c) || c == '-' || c == '_'; }

std::string_view Slice(std::string_view text, Span s) { return text.substr(s.start, s.size()); }

// A JWT part decoded; empty when malformed.
std::string DecodeJwtPart(std::string_view part) {
  return Base64DecodeLenient(part).value_or(std::string());
}

bool IsJsonObject(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s.size() >= 2 && s.front() == '{' && s.back() == '}' && s.find('"') != s.npos;
}

// Base64 characters of a PEM body, not counting the "\n" escapes of a JSON string.
size_t PemBodyChars(std::string_view body) {
  size_t n = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) {
      ++i;
      continue;
    }
    if (IsBase64(body[i])) ++n;
  }
  return n;
}

// End of the last line of the PEM body that is all base64 (lines split at real newlines
// or "\n" escapes); text after it (prose, "(truncated)") is not part of the key.
size_t PemBodyEnd(std::string_view text, size_t body_start, size_t limit) {
  size_t good_end = body_start;
  size_t i = body_start;
  while (i < limit) {
    size_t line_end = i;
    while (line_end < limit && text[line_end] != '\n' && text[line_end] != '\r' &&
           text[line_end] != '\\') {
      ++line_end;
    }
    std::string_view line = text.substr(i, line_end - i);
    bool base64 = !line.empty() && std::all_of(line.begin(), line.end(),
                                               [](char c) { return IsBase64(c) || c == '='; });
    bool header = line.find(": ") != line.npos;
    if (!line.empty() && !base64 && !header) break;
    if (base64) good_end = line_end;
    i = line_end + (line_end < limit && text[line_end] == '\\' ? 2 : 1);
  }
  return good_end;
}

struct UrlCredentials {
  std::string_view scheme;
  std::string_view user;
  std::string_view password;
  Span span;
};

// Splits scheme://user:password@host[:port]; the password runs to the last '@'.
std::optional<UrlCredentials> ParseUrlCredentials(std::string_view text, Span candidate) {
  std::string_view s = Slice(text, candidate);
  size_t sep = s.find("://");
  size_t at = s.rfind('@');
  if (sep == s.npos || at == s.npos || at < sep + 3) return std::nullopt;
  std::string_view userinfo = s.substr(sep + 3, at - sep - 3);
  size_t colon = userinfo.find(':');
  if (colon == userinfo.npos) return std::nullopt;
  UrlCredentials c{s.substr(0, sep), userinfo.substr(0, colon), userinfo.substr(colon + 1),
                   candidate};
  while (
      c.span.end > candidate.start + at + 1 &&
      (text[c.span.end - 1] == '.' || text[c.span.end - 1] == ':' || text[c.span.end - 1] == '-')) {
    --c.span.end;
  }
  if (c.span.end <= candidate.start + at + 1) return std::nullopt;
  return c;
}

bool RealPassword(const UrlCredentials& c) {
  return !c.password.empty() && !IsPlaceholderSecret(c.password) &&
         !(c.user == c.password && c.user.size() < 12);
}

}  // namespace

std::optional<Span> ConfirmFormatToken(std::string_view text, Span candidate) {
  if (candidate.end < text.size() && IsAlnum(text[candidate.end])) return std::nullopt;
  std::string_view token = Slice(text, candidate);
  if (!LooksRandom(token, 3.0) || IsPlaceholderSecret(token)) return std::nullopt;
  return candidate;
}

std::optional<Span> ConfirmAwsSecretKey(std::string_view text, Span candidate) {
  if (candidate.size() < 40) return std::nullopt;
  if (candidate.end < text.size() && (IsBase64(text[candidate.end]) || text[candidate.end] == '='))
    return std::nullopt;
  Span key{candidate.end - 40, candidate.end};
  std::string_view v = Slice(text, key);
  if (!LooksRandom(v, 3.5) || IsPlaceholderSecret(v)) return std::nullopt;
  return key;
}

std::optional<Span> ConfirmAwsSessionToken(std::string_view text, Span candidate) {
  // The value follows the first ':' or '=' (the key holds neither) and any blanks or quote.
  std::string_view s = Slice(text, candidate);
  size_t sep = s.find_first_of(":=");
  if (sep == s.npos) return std::nullopt;
  size_t start = candidate.start + sep + 1;
  while (start < candidate.end && !IsBase64(text[start])) ++start;
  Span token{start, candidate.end};
  if (token.size() < 100 || !LooksRandom(Slice(text, token), 4.0)) return std::nullopt;
  return token;
}

std::optional<Span> ConfirmAzureKey(std::string_view text, Span candidate) {
  size_t eq = Slice(text, candidate).find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  Span key{candidate.start + eq + 1, candidate.end};
  if (!LooksRandom(Slice(text, key), 4.0)) return std::nullopt;
  return key;
}

std::optional<Span> ConfirmSasSignature(std::string_view text, Span candidate) {
  std::string_view s = Slice(text, candidate);
  size_t sig = s.find("sig=");
  while (sig != s.npos && sig > 0 && s[sig - 1] != '&' && s[sig - 1] != '?') {
    sig = s.find("sig=", sig + 1);
  }
  if (sig == s.npos) return std::nullopt;
  size_t start = candidate.start + sig + 4;
  size_t end = start;
  while (end < candidate.end && (IsBase64(text[end]) || text[end] == '%' || text[end] == '='))
    ++end;
  Span value{start, end};
  if (value.size() < 40 || !LooksRandom(Slice(text, value), 3.5)) return std::nullopt;
  return value;
}

std::optional<Span> ConfirmGcpPrivateKey(std::string_view text, Span candidate) {
  std::string_view s = Slice(text, candidate);
  size_t begin = s.find("-----BEGIN");
  if (begin == s.npos || s.back() != '"') return std::nullopt;
  Span key{candidate.start + begin, candidate.end - 1};
  if (PemBodyChars(Slice(text, key)) < 40 + 30) return std::nullopt;  // 30: marker letters
  return key;
}

std::optional<Span> ConfirmPemPrivateKey(std::string_view text, Span candidate) {
  std::string_view s = Slice(text, candidate);
  size_t header_end = s.find("-----", 10);  // closes "-----BEGIN ... PRIVATE KEY"
  if (header_end == s.npos) return std::nullopt;
  size_t body_start = candidate.start + header_end + 5;
  size_t end_marker = s.find("-----END");
  Span key = candidate;
  if (end_marker == s.npos || !s.ends_with("-----")) {
    key.end = PemBodyEnd(text, body_start, candidate.end);
    end_marker = key.end - candidate.start;
  }
  std::string_view body = text.substr(body_start, candidate.start + end_marker - body_start);
  if (PemBodyChars(body) < 40) return std::nullopt;
  return key;
}

std::optional<Span> ConfirmJwt(std::string_view text, Span candidate) {
  std::string_view s = Slice(text, candidate);
  size_t dot1 = s.find('.');
  size_t dot2 = dot1 == s.npos ? s.npos : s.find('.', dot1 + 1);
  if (dot2 == s.npos) return std::nullopt;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return IsBase64Url(c) || c == '.'; }))
    return std::nullopt;
  std::string header = DecodeJwtPart(s.substr(0, dot1));
  std::string payload = DecodeJwtPart(s.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!IsJsonObject(header) || !IsJsonObject(payload)) return std::nullopt;
  if (header.find("\"alg\"") == std::string::npos && header.find("\"typ\"") == std::string::npos)
    return std::nullopt;
  return candidate;
}

std::optional<Span> ConfirmUrlCredentials(std::string_view text, Span candidate) {
  auto c = ParseUrlCredentials(text, candidate);
  if (!c || IsDatabaseScheme(c->scheme) || !RealPassword(*c)) return std::nullopt;
  return c->span;
}

std::optional<Span> ConfirmConnectionUrl(std::string_view text, Span candidate) {
  auto c = ParseUrlCredentials(text, candidate);
  if (!c || !RealPassword(*c)) return std::nullopt;
  return c->span;
}

std::optional<Span> ConfirmConnectionPassword(std::string_view text, Span candidate) {
  size_t eq = Slice(text, candidate).find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  Span value{candidate.start + eq + 1, candidate.end};
  while (value.start < value.end && text[value.start] == ' ') ++value.start;
  while (value.end > value.start && (text[value.end - 1] == ' ' || text[value.end - 1] == '\t'))
    --value.end;
  if (value.size() == 0 || IsPlaceholderSecret(Slice(text, value))) return std::nullopt;
  return value;
}

}  // namespace bastion::guard
