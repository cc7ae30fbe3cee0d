// The promise with the real rule set: a secret the model writes never reaches the
// client, wherever the stream cuts it, and PII it writes is redacted wherever it is cut.
#include <gtest/gtest.h>

#include <ostream>

#include "guard/stream_guard.h"

namespace bastion::guard {
namespace {

std::shared_ptr<const Guardrails> Default() {
  static std::shared_ptr<const Guardrails> g = [] {
    auto created = Guardrails::Create(GuardConfig{});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return *created;
  }();
  return g;
}

// Streams `text` cut at `cut` and then in pieces of `piece` bytes; returns what was released.
std::string Stream(StreamGuard& s, std::string_view text, size_t cut, size_t piece) {
  std::string out = s.Push(text.substr(0, cut));
  for (size_t at = cut; at < text.size(); at += piece) out += s.Push(text.substr(at, piece));
  return out + s.Finish();
}

struct Case {
  const char* name;
  std::string secret;
};
// Test names and failure messages show the kind of secret, never its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class SecretInStream : public ::testing::TestWithParam<Case> {};

TEST_P(SecretInStream, NeverReleasedWhereverItIsCut) {
  const std::string& secret = GetParam().secret;
  std::string text = "Here you go, as requested:\n" + secret + "\nKeep it somewhere safe.";
  // A prefix of the secret long enough to be recognisable as a leak of it.
  std::string tell = secret.substr(0, std::min<size_t>(secret.size(), 12));
  for (size_t piece : {1u, 3u, 7u}) {
    for (size_t cut = 0; cut <= text.size(); ++cut) {
      StreamGuard s(*Default(), {}, nullptr);
      std::string out = Stream(s, text, cut, piece);
      ASSERT_TRUE(s.blocked()) << "cut " << cut << " piece " << piece;
      ASSERT_EQ(out.find(tell), std::string::npos)
          << "cut " << cut << " piece " << piece << ": " << out;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    RealRules, SecretInStream,
    ::testing::Values(
        Case{"aws", "AKIAIOSFODNN7EXAMPLE"},
        Case{"github", "ghp_R8fQz3LmT6vWx2Yb9Kd4Hs7Np1Jc5Ga0Ue3M"},
        Case{"openai", "sk-proj-Xq3vT9LmR2Wb8Kd4Hs7Np1Jc5Ga0Ue3MzY6fQ8rT2vL9wX4nB7cD1eF5gH0jK3"},
        Case{"jwt",
             "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4g"
             "RG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"},
        Case{"pem",
             "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n"
             "Z1BjP5CE/Wm/Rr500P+K3Dd6XZbAm1Uu1pNbbWm8xJvD8bP9T0r6JfOh3lXQqS4\n"
             "-----END RSA PRIVATE KEY-----"},
        Case{"url", "postgres://billing:Zq8rT2vL9wX4nB7c@db.internal.example:5432/ledger"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(PiiInStream, RedactedWhereverItIsCut) {
  std::string text = "You can write to jane.doe@example.org or call +44 20 7946 0958 today.";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    StreamGuard s(*Default(), {}, nullptr);
    std::string out = Stream(s, text, cut, 2);
    EXPECT_EQ(out, "You can write to [EMAIL_1] or call [PHONE_1] today.") << "cut " << cut;
  }
}

}  // namespace
}  // namespace bastion::guard
