#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "guard/detector.h"
#include "guard/pattern_set.h"
#include "guard/rule.h"

namespace bastion::guard {
namespace {

// Deterministic fake credential material: `n` characters of `alphabet`.
std::string Fake(
    size_t n, uint32_t seed,
    std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    out += alphabet[(seed >> 16) % alphabet.size()];
  }
  return out;
}

std::string PemBody(size_t n, uint32_t seed, std::string_view newline) {
  std::string b64 =
      Fake(n, seed, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
  std::string out;
  for (size_t i = 0; i < b64.size(); i += 64) {
    if (i) out += newline;
    out += b64.substr(i, 64);
  }
  return out;
}

using Found = std::vector<std::pair<std::string, std::string>>;  // rule, value

Found Find(std::string_view text) {
  static auto detector = Detector::Create(SecretRules());
  EXPECT_TRUE(detector.ok()) << detector.status().ToString();
  Found out;
  for (const Finding& f : (*detector)->Detect(text).findings) {
    out.emplace_back(std::string(f.rule), std::string(text.substr(f.span.start, f.span.size())));
  }
  return out;
}

Found One(std::string rule, std::string value) { return {{std::move(rule), std::move(value)}}; }

TEST(SecretRulesTest, EveryRuleCompilesInBlockAndStreamMode) {
  std::vector<const Rule*> rules;
  for (const Rule& r : SecretRules()) {
    rules.push_back(&r);
    for (auto mode : {PatternSet::Mode::kBlock, PatternSet::Mode::kStream}) {
      auto one = PatternSet::Compile({&r}, mode);
      EXPECT_TRUE(one.ok()) << r.id << ": " << one.status().ToString();
    }
  }
  EXPECT_TRUE(PatternSet::Compile(rules, PatternSet::Mode::kStream).ok());
  EXPECT_TRUE(PatternSet::Compile(rules, PatternSet::Mode::kBlock).ok());
}

TEST(SecretRulesTest, RulesAreWellFormed) {
  for (const Rule& r : SecretRules()) {
    EXPECT_TRUE(r.id.starts_with("secret.")) << r.id;
    EXPECT_EQ(r.category, Category::kSecret) << r.id;
    EXPECT_EQ(r.form, TextForm::kRaw) << r.id;
    EXPECT_FALSE(r.placeholder.empty()) << r.id;
    EXPECT_GT(r.score, 0.0) << r.id;
    EXPECT_LE(r.score, 1.0) << r.id;
    for (char c : r.pattern) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << r.id;
  }
}

TEST(SecretRulesTest, AwsAccessKeyId) {
  EXPECT_EQ(Find("key=AKIAIOSFODNN7EXAMPLE;"),
            One("secret.aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"));
  std::string id = "ASIA" + Fake(16, 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
  EXPECT_EQ(Find("id " + id), One("secret.aws_access_key_id", id));
  EXPECT_TRUE(Find("AKIAXXXXXXXXXXXXXXXX").empty());
  EXPECT_TRUE(Find("AKIAIOSFODNN7EXAMPLEX").empty());  // 17 characters
  EXPECT_TRUE(Find("AKIA1OSFODNN0EXAMPLE").empty());   // 0 and 1 are not base32
}

TEST(SecretRulesTest, AwsSecretAccessKeyIsTheValue) {
  std::string s = Fake(40, 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
  EXPECT_EQ(Find("aws_secret_access_key = " + s + "\n"), One("secret.aws_secret_access_key", s));
  EXPECT_EQ(Find("\"SecretAccessKey\": \"" + s + "\""), One("secret.aws_secret_access_key", s));
  EXPECT_TRUE(Find("aws_secret_access_key = " + s + "ABC").empty());  // 43 characters
  EXPECT_TRUE(Find("aws_secret_access_key = " + std::string(40, 'X')).empty());
}

TEST(SecretRulesTest, AwsSessionToken) {
  std::string t = "FwoGZXIvYXdzE" + Fake(200, 3) + "==";
  EXPECT_EQ(Find("AWS_SESSION_TOKEN=" + t), One("secret.aws_session_token", t));
  EXPECT_TRUE(Find("AWS_SESSION_TOKEN=" + Fake(60, 3)).empty());  // too short
}

TEST(SecretRulesTest, GcpServiceAccountKeyIsTheEscapedPem) {
  std::string key = "-----BEGIN PRIVATE KEY-----\\n" + PemBody(1600, 4, "\\n") +
                    "\\n-----END PRIVATE KEY-----\\n";
  std::string json = "{\"type\": \"service_account\", \"private_key\": \"" + key + "\"}";
  EXPECT_EQ(Find(json), One("secret.gcp_service_account_key", key));
}

TEST(SecretRulesTest, GoogleApiKey) {
  std::string k = "AIza" + Fake(35, 5);
  EXPECT_EQ(Find("?key=" + k + "&q=1"), One("secret.google_api_key", k));
  EXPECT_TRUE(Find("AIza" + Fake(20, 5)).empty());
}

TEST(SecretRulesTest, AzureStorageKeyAndSas) {
  std::string b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string key = Fake(86, 6, b64) + "==";
  EXPECT_EQ(Find("DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=" + key +
                 ";EndpointSuffix=core.windows.net"),
            One("secret.azure_storage_key", key));
  std::string sig = Fake(40, 7) + "%2F" + Fake(3, 8) + "%3D";
  EXPECT_EQ(Find("https://st1.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&se=2025-01-01&sig=" +
                 sig + " done"),
            One("secret.azure_sas_token", sig));
  EXPECT_TRUE(Find("?sv=2022-11-02&sp=r&sig=<signature>").empty());
}

TEST(SecretRulesTest, AzureClientSecret) {
  std::string s = Fake(3, 9) + "8Q~" + Fake(34, 10);
  EXPECT_EQ(Find("AZURE_CLIENT_SECRET=" + s), One("secret.azure_client_secret", s));
}

TEST(SecretRulesTest, GithubAndGitlabTokens) {
  std::string classic = "ghp_" + Fake(36, 11);
  EXPECT_EQ(Find("token " + classic + "."), One("secret.github_token", classic));
  std::string fine = "github_pat_" + Fake(22, 12) + "_" + Fake(59, 13);
  EXPECT_EQ(Find(fine), One("secret.github_token", fine));
  EXPECT_TRUE(Find("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").empty());
  EXPECT_TRUE(Find("ghp_" + Fake(30, 11)).empty());
  std::string gl = "glpat-" + Fake(20, 14);
  EXPECT_EQ(Find("PRIVATE-TOKEN: " + gl), One("secret.gitlab_token", gl));
}

TEST(SecretRulesTest, SlackTokensAndWebhooks) {
  std::string t = "xoxb-123456789012-1234567890123-" + Fake(24, 15);
  EXPECT_EQ(Find("SLACK=" + t), One("secret.slack_token", t));
  std::string hook = "https://hooks.slack.com/services/T0ABC1234/B0ABCDE5678/" + Fake(24, 16);
  EXPECT_EQ(Find("url: " + hook), One("secret.slack_webhook", hook));
  EXPECT_TRUE(Find("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")
                  .empty());
}

TEST(SecretRulesTest, StripeLiveAndTestKeys) {
  std::string live = "sk_live_" + Fake(24, 17);
  std::string test = "sk_test_" + Fake(24, 18);
  EXPECT_EQ(Find(live), One("secret.stripe_key", live));
  EXPECT_EQ(Find(test), One("secret.stripe_test_key", test));
  EXPECT_TRUE(Find("pk_live_" + Fake(24, 19)).empty());
}

TEST(SecretRulesTest, OpenAiAnthropicHuggingFace) {
  std::string legacy = "sk-" + Fake(20, 20) + "T3BlbkFJ" + Fake(20, 21);
  EXPECT_EQ(Find("OPENAI_API_KEY=" + legacy), One("secret.openai_api_key", legacy));
  std::string proj = "sk-proj-" + Fake(120, 22);
  EXPECT_EQ(Find(proj), One("secret.openai_api_key", proj));
  std::string ant = "sk-ant-api03-" + Fake(93, 23) + "AA";
  EXPECT_EQ(Find("\"" + ant + "\""), One("secret.anthropic_api_key", ant));
  std::string hf = "hf_" + Fake(34, 24, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(Find(hf), One("secret.huggingface_token", hf));
  EXPECT_TRUE(Find("export OPENAI_API_KEY=sk-...").empty());
}

TEST(SecretRulesTest, JwtNeedsJsonHeaderAndPayload) {
  std::string jwt =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwia"
      "WF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  EXPECT_EQ(Find("Bearer " + jwt), One("secret.jwt", jwt));
  // eyJ + random base64url: the parts do not decode to JSON objects.
  EXPECT_TRUE(Find("eyJ" + Fake(30, 25) + ".eyJ" + Fake(30, 26) + "." + Fake(43, 27)).empty());
}

TEST(SecretRulesTest, PemPrivateKeySpansTheBlock) {
  std::string key = "-----BEGIN RSA PRIVATE KEY-----\n" + PemBody(900, 28, "\n") +
                    "\n-----END RSA PRIVATE KEY-----";
  EXPECT_EQ(Find("key:\n" + key + "\nthanks"), One("secret.pem_private_key", key));
  std::string truncated = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + PemBody(200, 29, "\n");
  EXPECT_EQ(Find(truncated + "\nand the rest is missing"),
            One("secret.pem_private_key", truncated));
  EXPECT_TRUE(Find("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----").empty());
  EXPECT_TRUE(
      Find("-----BEGIN PUBLIC KEY-----\n" + PemBody(300, 30, "\n") + "\n-----END PUBLIC KEY-----")
          .empty());
}

TEST(SecretRulesTest, CredentialsInUrls) {
  EXPECT_EQ(Find("git clone https://bot:Zq8mX2vLk9Tr@git.example.com/r.git"),
            One("secret.url_credentials", "https://bot:Zq8mX2vLk9Tr@git.example.com"));
  EXPECT_EQ(Find("DATABASE_URL=postgres://app:Zq8mX2vLk9Tr@db:5432/app"),
            One("secret.connection_string", "postgres://app:Zq8mX2vLk9Tr@db:5432"));
  EXPECT_TRUE(Find("mongodb://user:password@localhost:27017").empty());
  EXPECT_TRUE(Find("https://user:<password>@host.example.com").empty());
  EXPECT_TRUE(Find("postgresql://${DB_USER}:${DB_PASS}@${DB_HOST}:5432/app").empty());
  EXPECT_TRUE(Find("redis://:****@cache:6379").empty());
}

TEST(SecretRulesTest, ConnectionStringPasswords) {
  EXPECT_EQ(Find("Server=sql1;Database=app;User Id=sa;Password=Zq8mX2vLk9Tr;"),
            One("secret.connection_string_password", "Zq8mX2vLk9Tr"));
  EXPECT_EQ(Find("jdbc:mysql://db:3306/shop?user=shop&password=Zq8mX2vLk9Tr&useSSL=true"),
            One("secret.connection_string_password", "Zq8mX2vLk9Tr"));
  EXPECT_TRUE(Find("Server=sql1;User Id=sa;Password=<password>;").empty());
}

TEST(SecretRulesTest, AuthorizationHeader) {
  std::string t = Fake(40, 31);
  EXPECT_EQ(Find("-H 'Authorization: Bearer " + t + "'"), One("secret.authorization_header", t));
  // "deploy:Zq8mX2vLk9Tr" and "user:password".
  EXPECT_EQ(Find("Authorization: Basic ZGVwbG95OlpxOG1YMnZMazlUcg=="),
            One("secret.authorization_header", "ZGVwbG95OlpxOG1YMnZMazlUcg=="));
  EXPECT_TRUE(Find("Authorization: Basic dXNlcjpwYXNzd29yZA==").empty());
  EXPECT_TRUE(Find("Authorization: Bearer <YOUR_TOKEN_GOES_HERE>").empty());
}

TEST(SecretRulesTest, GenericAssignmentReportsTheValue) {
  EXPECT_EQ(Find("DB_PASSWORD=Zq8mX2vLk9Tr\n"), One("secret.generic_assignment", "Zq8mX2vLk9Tr"));
  EXPECT_EQ(Find("\"client_secret\": \"Zq8mX2vLk9Tr7w\","),
            One("secret.generic_assignment", "Zq8mX2vLk9Tr7w"));
  EXPECT_EQ(Find("$cfg['smtp_pass'] = 'Zq8mX2vLk9Tr';"),
            One("secret.generic_assignment", "Zq8mX2vLk9Tr"));
  EXPECT_EQ(Find("mysql --password Zq8mX2vLk9Tr"),
            One("secret.generic_assignment", "Zq8mX2vLk9Tr"));
}

TEST(SecretRulesTest, GenericAssignmentRejectsCodeAndPlaceholders) {
  for (const char* text : {
           "password = os.environ[\"DB_PASSWORD\"]",
           "token = getToken()",
           "const apiKey = process.env.OPENAI_API_KEY;",
           "password: changeme",
           "api_key = \"your_api_key_here\"",
           "POSTGRES_PASSWORD=${POSTGRES_PASSWORD}",
           "tokenizer = AutoTokenizer.from_pretrained(\"bert-base-uncased\")",
           "max_tokens = 4096",
           "password=hunter22",
           "secret_name = \"prod/payments/stripe\"",
           "author: Jane_Doe_1984",
       }) {
    EXPECT_TRUE(Find(text).empty()) << text;
  }
}

TEST(SecretRulesTest, SpecificRulesWinOverContextRules) {
  std::string gh = "ghp_" + Fake(36, 32);
  EXPECT_EQ(Find("GITHUB_TOKEN=" + gh), One("secret.github_token", gh));
  EXPECT_EQ(Find("Authorization: Bearer " + gh), One("secret.github_token", gh));
}

}  // namespace
}  // namespace bastion::guard
