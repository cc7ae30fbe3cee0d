// The audit filter's event: who, what, outcome, guard verdicts, digests instead of text, and
// content only as the policy says (key over role over default), read back from a real trail.
#include "gateway/filters/audit/audit_filter.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "audit/content_box.h"
#include "audit/signer.h"
#include "audit/store.h"
#include "common/temp_dir.h"

namespace bastion::gateway {
namespace {

using bastion::testing::TempDir;

constexpr const char* kBody =
    R"({"model":"m","messages":[{"role":"user","content":"mail bob.canary@example.com please"}]})";
constexpr const char* kAnswer =
    R"({"choices":[{"index":0,"message":{"role":"assistant","content":"Sent to bob.canary@example.com."},"finish_reason":"stop"}]})";

class AuditFilterTest : public ::testing::Test {
 protected:
  // Runs one exchange by `subject` (role user) through a fresh trail with `config`, and returns
  // the stored record.
  audit::Record RunOne(AuditConfig config, const std::string& subject, const std::string& route,
                       int status, const std::string& auditor_key = "") {
    config.purge_interval = Millis(0);
    audit::Record out;
    {
      auto store = audit::OpenSqliteStore((dir_ / "audit.db").string());
      auto signer = audit::Signer::LoadOrCreate((dir_ / "audit-signing.key").string());
      EXPECT_TRUE(store.ok() && signer.ok());
      audit::AuditLog log(config, std::move(*store), std::move(*signer),
                          audit::DigestKey(std::string(32, 'k')), auditor_key, metrics_);
      AuditFilter filter(log, Redactor());
      http::Request req;
      req.method = "POST";
      req.body = kBody;
      req.remote_address = "203.0.113.7";
      Exchange ex(req);
      ex.request_id = "req-" + std::to_string(++count_);
      ex.route = route;
      ex.model = "m";
      InferenceRequest parsed;
      EXPECT_FALSE(ParseInferenceRequest(InferenceKind::kChat, req.body, parsed));
      ex.inference = parsed;
      if (!subject.empty()) {
        ex.identity = auth::Identity{};
        ex.identity->subject = subject;
        ex.identity->role = auth::Role::kUser;
      }
      std::string data = kAnswer;
      filter.OnResponseData(ex, data);
      ex.status = status;
      filter.OnComplete(ex);
      filter.OnComplete(ex);  // once per exchange
    }
    auto store = audit::OpenSqliteStore((dir_ / "audit.db").string(), true);
    EXPECT_TRUE(store.ok());
    int n = 0;
    EXPECT_TRUE((*store)
                    ->Scan({},
                           [&](const audit::Record& r) {
                             if (r.request_id == "req-" + std::to_string(count_)) {
                               out = r;
                               ++n;
                             }
                             return true;
                           })
                    .ok());
    EXPECT_LE(n, 1);
    return out;
  }

  // Compiling the guard's rules takes a while: once for every test.
  static std::shared_ptr<const guard::Guardrails> Redactor() {
    static auto redactor = guard::Guardrails::Create(GuardConfig{});
    EXPECT_TRUE(redactor.ok());
    return *redactor;
  }

  std::string Member(const audit::Record& r, const char* key) {
    simdjson::dom::element e;
    std::string_view s;
    if (parser_.parse(r.event).get(e) || e[key].get(s)) return "";
    return std::string(s);
  }

  TempDir dir_{"bastion-audit-filter"};
  MetricsRegistry metrics_;
  simdjson::dom::parser parser_;
  int count_ = 0;
};

TEST_F(AuditFilterTest, AnEventNamesWhoAndWhatButHoldsNoText) {
  audit::Record r = RunOne(AuditConfig{}, "key:abc123", "/v1/chat/completions", 200);
  ASSERT_FALSE(r.event.empty());
  EXPECT_EQ(Member(r, "subject"), "key:abc123");
  EXPECT_EQ(Member(r, "role"), "user");
  EXPECT_EQ(Member(r, "route"), "/v1/chat/completions");
  EXPECT_EQ(Member(r, "finish_reason"), "stop");
  EXPECT_EQ(Member(r, "outcome"), "completed");
  EXPECT_EQ(Member(r, "content"), "none");
  EXPECT_EQ(Member(r, "prompt_digest").size(), 32u);
  EXPECT_EQ(Member(r, "completion_digest").size(), 32u);
  EXPECT_EQ(Member(r, "client").size(), 32u);
  EXPECT_EQ(r.content, "");
  for (const char* text : {"bob.canary", "203.0.113.7", "please", "Sent to"}) {
    EXPECT_EQ(r.event.find(text), std::string::npos) << text;
  }
}

TEST_F(AuditFilterTest, TheSamePromptGivesTheSameDigest) {
  audit::Record a = RunOne(AuditConfig{}, "key:a", "/v1/chat/completions", 200);
  audit::Record b = RunOne(AuditConfig{}, "key:b", "/v1/chat/completions", 200);
  EXPECT_EQ(Member(a, "prompt_digest"), Member(b, "prompt_digest"));
  EXPECT_EQ(Member(a, "client"), Member(b, "client"));
}

TEST_F(AuditFilterTest, OutcomesFollowTheStatus) {
  EXPECT_EQ(Member(RunOne(AuditConfig{}, "", "/v1/chat/completions", 401), "outcome"), "rejected");
  EXPECT_EQ(Member(RunOne(AuditConfig{}, "key:a", "/v1/chat/completions", 502), "outcome"),
            "failed");
}

TEST_F(AuditFilterTest, ProbesAndScrapesAreNotRecorded) {
  EXPECT_TRUE(RunOne(AuditConfig{}, "", "/healthz", 200).event.empty());
  EXPECT_TRUE(RunOne(AuditConfig{}, "key:a", "/metrics", 200).event.empty());
  EXPECT_FALSE(RunOne(AuditConfig{}, "", "/metrics", 401).event.empty());
}

TEST_F(AuditFilterTest, RedactedContentKeepsWordsButNotPii) {
  AuditConfig config;
  config.roles = {{"user", ContentPolicy::kRedacted}};
  audit::Record r = RunOne(config, "key:abc", "/v1/chat/completions", 200);
  EXPECT_EQ(Member(r, "content"), "redacted");
  EXPECT_NE(r.content.find("please"), std::string::npos) << r.content;
  EXPECT_NE(r.content.find("[EMAIL_1]"), std::string::npos) << r.content;
  EXPECT_EQ(r.content.find("bob.canary"), std::string::npos) << r.content;
  EXPECT_FALSE(Member(r, "content_sha256").empty());
}

TEST_F(AuditFilterTest, EncryptedContentOpensOnlyWithTheAuditorsKey) {
  audit::AuditorKeyPair auditor = audit::MakeAuditorKeyPair();
  AuditConfig config;
  config.content = ContentPolicy::kRedacted;
  config.keys = {{"abc", ContentPolicy::kEncrypted}};  // the key's policy wins over the default
  audit::Record r = RunOne(config, "key:abc", "/v1/chat/completions", 200, auditor.public_key);
  EXPECT_EQ(Member(r, "content"), "encrypted");
  EXPECT_EQ(r.content.find("please"), std::string::npos);
  auto opened = audit::Unseal(auditor.public_key, auditor.secret_key, r.content);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_NE(opened->find("bob.canary@example.com please"), std::string::npos) << *opened;
  EXPECT_NE(opened->find("Sent to bob.canary@example.com."), std::string::npos) << *opened;

  audit::Record other = RunOne(config, "key:zzz", "/v1/chat/completions", 200, auditor.public_key);
  EXPECT_EQ(Member(other, "content"), "redacted");
}

}  // namespace
}  // namespace bastion::gateway
