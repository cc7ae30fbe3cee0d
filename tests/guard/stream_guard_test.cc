#include "guard/stream_guard.h"

#include <gtest/gtest.h>

namespace bastion::guard {
namespace {

// The mechanics, with rules written for this test: a "secret" (blocked by default) and a
// "PII" value (redacted by default) of known shapes.
const Rule kRules[] = {
    {"secret.test_token", Category::kSecret, R"(tok_[0-9a-f]{16})", 0, 1.0, nullptr, "TOKEN"},
    {"pii.test_email", Category::kPii, R"([a-z]+@[a-z]+\.[a-z]{2,})", 0, 1.0, nullptr, "EMAIL"},
    {"pii.test_card", Category::kPii, R"(\d{4} \d{4} \d{4} \d{4})", 0, 1.0, nullptr, "CARD"},
};

std::shared_ptr<const Guardrails> TestGuardrails() {
  auto detector = Detector::Create(kRules);
  EXPECT_TRUE(detector.ok());
  auto g = Guardrails::Create(GuardConfig{}, *detector);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return *g;
}

// Streams `text` in pieces cut at `cuts`, returning everything released.
std::string StreamInPieces(StreamGuard& s, std::string_view text, std::vector<size_t> cuts) {
  std::string out;
  size_t at = 0;
  cuts.push_back(text.size());
  for (size_t cut : cuts) {
    out += s.Push(text.substr(at, cut - at));
    at = cut;
  }
  return out + s.Finish();
}

TEST(StreamGuardTest, CleanTextComesOutWhole) {
  auto g = TestGuardrails();
  StreamGuard s(*g, {}, nullptr);
  std::string text = "The quick brown fox jumps over the lazy dog, again and again and again.";
  std::string out;
  for (char c : text) out += s.Push(std::string_view(&c, 1));
  EXPECT_LT(out.size(), text.size()) << "the tail is held back until the stream ends";
  out += s.Finish();
  EXPECT_EQ(out, text);
  EXPECT_FALSE(s.blocked());
}

TEST(StreamGuardTest, SecretSplitAtEveryPositionNeverReleased) {
  auto g = TestGuardrails();
  std::string secret = "tok_0123456789abcdef";
  std::string text = "Here is the key you asked for: " + secret + " and more text follows here.";
  size_t at = text.find(secret);
  for (size_t cut = 1; cut < text.size(); ++cut) {
    StreamGuard s(*g, {}, nullptr);
    std::string out = StreamInPieces(s, text, {cut});
    EXPECT_TRUE(s.blocked()) << "cut " << cut;
    EXPECT_EQ(out.find("tok_"), std::string::npos) << "cut " << cut << ": " << out;
    EXPECT_LE(out.size(), at) << "cut " << cut;
  }
  StreamGuard bytewise(*g, {}, nullptr);
  std::string out;
  for (char c : text) out += bytewise.Push(std::string_view(&c, 1));
  out += bytewise.Finish();
  EXPECT_TRUE(bytewise.blocked());
  EXPECT_EQ(out.find("tok_"), std::string::npos);
}

TEST(StreamGuardTest, PiiIsRedactedWhereverItIsSplit) {
  auto g = TestGuardrails();
  std::string text = "Write to bob@example.com or pay with 4000 1234 5678 9010 today, thanks.";
  for (size_t cut = 1; cut < text.size(); ++cut) {
    StreamGuard s(*g, {}, nullptr);
    std::string out = StreamInPieces(s, text, {cut, std::min(cut + 7, text.size())});
    EXPECT_EQ(out, "Write to [EMAIL_1] or pay with [CARD_1] today, thanks.") << "cut " << cut;
    EXPECT_EQ(s.findings().size(), 2u);
  }
}

TEST(StreamGuardTest, RestoresRequestPlaceholdersSplitAcrossPieces) {
  auto g = TestGuardrails();
  Redaction request;
  Finding email{Category::kPii, "pii.test_email", Span{0, 15}, 1.0, "EMAIL", Action::kRedact};
  ASSERT_EQ(request.Apply("bob@example.com", {email}), "[EMAIL_1]");
  std::string text = "I will write to [EMAIL_1] tomorrow morning.";
  for (size_t cut = 1; cut < text.size(); ++cut) {
    StreamGuard s(*g, {}, &request);
    EXPECT_EQ(StreamInPieces(s, text, {cut}), "I will write to bob@example.com tomorrow morning.")
        << "cut " << cut;
  }
}

TEST(StreamGuardTest, UnterminatedPrivateKeyBlockIsHeld) {
  auto g = TestGuardrails();
  StreamGuard s(*g, {}, nullptr);
  std::string released = s.Push("Sure:\n-----BEGIN PRIVATE KEY-----\n");
  for (int i = 0; i < 40; ++i)
    released += s.Push("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC BKcwggSjAgEAAoIBAQ ");
  EXPECT_EQ(released.find("BEGIN"), std::string::npos);
}

}  // namespace
}  // namespace bastion::guard
