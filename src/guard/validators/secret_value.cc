#include "guard/validators/secret_value.h"

#include <algorithm>
#include <array>
#include <string>

#include "guard/validators/entropy.h"

namespace bastion::guard {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentifierChar(char c) { return IsLetter(c) || IsDigit(c) || c == '_'; }

std::string Lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

// Substrings that only documentation and templates put where a secret goes.
constexpr std::string_view kPlaceholderMarks[] = {
    "<",       ">",        "${",         "{{",        "}}",          "%s",       "%(",
    "...",     "***",      "xxxx",       "your_",     "your-",       "yourapi",  "_here",
    "-here",   "changeme", "change_me",  "change-me", "placeholder", "redacted", "replace_",
    "insert_", "dummy",    "not_a_real", "notreal",   "fake_",       "_fake",
};

// Words people write where a password goes in examples and questions, after FoldWord.
constexpr std::string_view kPlaceholderWords[] = {
    "password",  "passwd",      "pass",           "pwd",          "secret",     "changeme",
    "letmein",   "qwerty",      "admin",          "root",         "test",       "guest",
    "example",   "sample",      "default",        "token",        "apikey",     "accesskey",
    "secretkey", "mysecret",    "mypassword",     "supersecret",  "hunter",     "welcome",
    "dragon",    "monkey",      "master",         "login",        "foobar",     "foo",
    "bar",       "none",        "null",           "undefined",    "true",       "false",
    "value",     "string",      "demo",           "user",         "username",   "postgres",
    "mysql",     "redis",       "dbpassword",     "yourpassword", "yourtoken",  "yourapikey",
    "apitoken",  "accesstoken", "authtoken",      "clientsecret", "privatekey", "mytoken",
    "abc",       "abcdef",      "secretpassword", "topsecret",    "iloveyou",   "sunshine",
};

// "P@ssw0rd123!" -> "password": digits and punctuation stripped from both ends, common
// letter substitutions undone, separators dropped, lowercased.
std::string FoldWord(std::string_view v) {
  size_t b = 0, e = v.size();
  while (b < e && !IsLetter(v[b])) ++b;
  while (e > b && !IsLetter(v[e - 1])) --e;
  std::string out;
  for (char c : v.substr(b, e - b)) {
    switch (c) {
      case '@':
      case '4':
        out += 'a';
        break;
      case '0':
        out += 'o';
        break;
      case '1':
      case '!':
        out += 'i';
        break;
      case '3':
        out += 'e';
        break;
      case '5':
      case '$':
        out += 's';
        break;
      case '7':
        out += 't';
        break;
      case '_':
      case '-':
      case '.':
        break;
      default:
        out += Lower(c);
    }
  }
  return out;
}

bool IsEnvReference(std::string_view v) {
  if (v.size() < 2 || v[0] != '$') return false;
  if (v[1] == '(' || v[1] == '{') return true;
  return std::all_of(v.begin() + 1, v.end(), IsIdentifierChar);
}

bool HasLongRun(std::string_view v, size_t run) {
  size_t same = 1;
  for (size_t i = 1; i < v.size(); ++i) {
    same = v[i] == v[i - 1] ? same + 1 : 1;
    if (same >= run) return true;
  }
  return false;
}

int CharClasses(std::string_view v) {
  bool lower = false, upper = false, digit = false, other = false;
  for (char c : v) {
    if (c >= 'a' && c <= 'z')
      lower = true;
    else if (c >= 'A' && c <= 'Z')
      upper = true;
    else if (IsDigit(c))
      digit = true;
    else
      other = true;
  }
  return lower + upper + digit + other;
}

}  // namespace

bool IsPlaceholderSecret(std::string_view value) {
  if (value.empty() || value[0] == ':' || IsEnvReference(value)) return true;
  if (HasLongRun(value, 5)) return true;
  std::string lowered = Lowered(value);
  for (std::string_view mark : kPlaceholderMarks) {
    if (lowered.find(mark) != std::string::npos) return true;
  }
  std::string folded = FoldWord(value);
  if (folded.empty()) return true;
  for (std::string_view word : kPlaceholderWords) {
    if (folded == word) return true;
  }
  return false;
}

bool LooksRandom(std::string_view value, double min_bits) {
  return CharClasses(value) >= 2 && !HasLongRun(value, 5) && ShannonEntropy(value) >= min_bits;
}

bool HasFormatPrefix(std::string_view value) {
  static constexpr std::string_view kPrefixes[] = {
      "ghp_",        "gho_",        "ghu_",      "ghs_",       "ghr_",
      "github_pat_", "glpat-",      "gldt-",     "glrt-",      "glptt-",
      "glft-",       "xoxb-",       "xoxp-",     "xoxa-",      "xoxr-",
      "xoxs-",       "xoxc-",       "xoxe",      "sk_live_",   "rk_live_",
      "sk_test_",    "rk_test_",    "whsec_",    "hf_",        "api_org_",
      "AIza",        "npm_",        "pypi-",     "SG.",        "sk-ant-",
      "sk-proj-",    "sk-svcacct-", "sk-admin-", "-----BEGIN", "https://hooks.slack.com",
  };
  for (std::string_view p : kPrefixes) {
    if (value.starts_with(p)) return true;
  }
  static constexpr std::string_view kAwsIds[] = {"AKIA", "ASIA", "ABIA", "ACCA"};
  for (std::string_view p : kAwsIds) {
    if (value.size() == 20 && value.starts_with(p)) return true;
  }
  // Entra ID client secrets: 3 characters, a digit, "Q~", 31-34 more.
  if (value.size() >= 37 && value.size() <= 40 && IsDigit(value[3]) && value.substr(4, 2) == "Q~")
    return true;
  if (value.starts_with("eyJ") && std::count(value.begin(), value.end(), '.') == 2) return true;
  // Legacy OpenAI keys: sk- and 48 letters and digits.
  return value.size() == 51 && value.starts_with("sk-") &&
         std::all_of(value.begin() + 3, value.end(),
                     [](char c) { return IsLetter(c) || IsDigit(c); });
}

bool IsDatabaseScheme(std::string_view scheme) {
  static constexpr std::string_view kSchemes[] = {
      "postgres",   "postgresql",  "mysql",   "mariadb", "mongodb", "mongodb+srv",
      "redis",      "rediss",      "amqp",    "amqps",   "mssql",   "sqlserver",
      "clickhouse", "cockroachdb", "couchdb", "neo4j",   "neo4j+s", "bolt",
      "cassandra",  "memcached",   "nats",    "kafka",   "oracle",  "db2",
  };
  std::string lowered = Lowered(scheme);
  return std::find(std::begin(kSchemes), std::end(kSchemes), lowered) != std::end(kSchemes);
}

}  // namespace bastion::guard
