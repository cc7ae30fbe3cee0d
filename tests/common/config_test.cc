#include "common/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace bastion {
namespace {

TEST(ConfigTest, DefaultsAreSecure) {
  Config c;
  EXPECT_EQ(c.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.server.max_body_bytes, 1u << 20);
  EXPECT_FALSE(c.server.allow_public_plaintext);
  EXPECT_FALSE(c.server.insecure_no_auth);
  EXPECT_TRUE(ValidateConfig(c).ok());
}

TEST(ConfigTest, ParsesEverySection) {
  setenv("BASTION_TEST_UPSTREAM_KEY", "sk-upstream", 1);
  auto c = ParseConfig(R"(
log_level = "warn"
[server]
listen = "127.0.0.1:9000"
max_body_bytes = 2048
header_timeout = "250ms"
keepalive_timeout = "2m"
[server.tls]
cert_file = "c.pem"
key_file = "k.pem"
[upstream]
retries = 1
first_byte_timeout = "30s"
[[models]]
name = "deepseek-r1"
upstream_model = "deepseek-ai/DeepSeek-R1"
reasoning = "deepseek_r1"
[[models.upstreams]]
url = "http://10.0.0.5:8000/v1"
api_key_env = "BASTION_TEST_UPSTREAM_KEY"
[[models.upstreams]]
url = "http://10.0.0.6:8000/v1"
)",
                       "test.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->log_level, "warn");
  EXPECT_EQ(c->server.listen, "127.0.0.1:9000");
  EXPECT_EQ(c->server.max_body_bytes, 2048u);
  EXPECT_EQ(c->server.header_timeout, Millis(250));
  EXPECT_EQ(c->server.keepalive_timeout, Millis(120'000));
  EXPECT_TRUE(c->server.tls.enabled());
  EXPECT_EQ(c->upstream.retries, 1);
  ASSERT_EQ(c->models.size(), 1u);
  EXPECT_EQ(c->models[0].upstream_model, "deepseek-ai/DeepSeek-R1");
  EXPECT_EQ(c->models[0].reasoning, ReasoningFormat::kDeepSeekR1);
  ASSERT_EQ(c->models[0].upstreams.size(), 2u);
  EXPECT_EQ(c->models[0].upstreams[0].api_key, "sk-upstream");
  EXPECT_TRUE(c->models[0].upstreams[1].api_key.empty());
}

TEST(ConfigTest, IntakeAndLicenceSettings) {
  auto c = ParseConfig(R"(
[engine]
fast_intake_check = true
[licenses]
allow = ["MIT", "Apache-2.0"]
[[models]]
path = "/models/r1.gguf"
allow_unverified = true
)",
                       "f.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->engine.fast_intake_check);
  EXPECT_EQ(c->licenses.allow, (std::vector<std::string>{"MIT", "Apache-2.0"}));
  EXPECT_TRUE(c->models[0].allow_unverified);
  EXPECT_FALSE(ParseConfig("[licenses]\nallow = [1]\n", "f.toml").ok());
  EXPECT_FALSE(ParseConfig("[licenses]\ndeny = []\n", "f.toml").ok());
  EXPECT_TRUE(Config{}.licenses.allow.empty());  // no policy unless asked for
}

TEST(ConfigTest, PostureSettings) {
  auto c = ParseConfig(R"(
[posture]
redteam_report = "/srv/bastion/redteam/report.json"
max_asr = 0.05
max_report_age = "14d"
data_class = "phi"
obligations_acknowledged = true
)",
                       "f.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->posture.redteam_report, "/srv/bastion/redteam/report.json");
  EXPECT_DOUBLE_EQ(c->posture.max_asr, 0.05);
  EXPECT_EQ(c->posture.max_report_age, Millis(14LL * 86'400'000));
  EXPECT_EQ(c->posture.data_class, "phi");
  EXPECT_TRUE(c->posture.obligations_acknowledged);
  const PostureConfig defaults;
  EXPECT_DOUBLE_EQ(defaults.max_asr, 0.2);
  EXPECT_EQ(defaults.max_report_age, Millis(30LL * 86'400'000));
  auto bad_class = ParseConfig("[posture]\ndata_class = \"secret\"\n", "f.toml");
  ASSERT_FALSE(bad_class.ok());
  EXPECT_NE(bad_class.status().message().find("posture.data_class"), std::string::npos);
  EXPECT_FALSE(ParseConfig("[posture]\nmax_asr = 1.5\n", "f.toml").ok());
  EXPECT_FALSE(ParseConfig("[posture]\nmax_report_age = \"0s\"\n", "f.toml").ok());
  EXPECT_FALSE(ParseConfig("[posture]\nreport = \"x\"\n", "f.toml").ok());
}

TEST(ConfigTest, UnknownKeysAreErrorsWithTheirPath) {
  auto c = ParseConfig("[server]\nlisten_address = \"x\"\n", "f.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("server.listen_address"), std::string::npos);
  EXPECT_NE(c.status().message().find("unknown key"), std::string::npos);
  auto m = ParseConfig("[[models]]\nname = \"a\"\nbogus = 1\n", "f.toml");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("models[0].bogus"), std::string::npos);
}

TEST(ConfigTest, TypeErrorsNameTheKey) {
  auto c = ParseConfig("[server]\nmax_connections = \"many\"\n", "f.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("server.max_connections must be an integer"),
            std::string::npos);
  auto d = ParseConfig("[server]\nheader_timeout = \"10 parsecs\"\n", "f.toml");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("header_timeout"), std::string::npos);
}

TEST(ConfigTest, SyntaxErrorsGiveLineAndColumn) {
  auto c = ParseConfig("[server\nlisten = 1\n", "f.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message().rfind("f.toml:1:", 0), 0u) << c.status().message();
}

TEST(ConfigTest, MissingApiKeyEnvIsAnError) {
  unsetenv("BASTION_TEST_MISSING");
  auto c = ParseConfig(
      "[[models]]\nname = \"a\"\n[[models.upstreams]]\nurl = \"http://127.0.0.1:1/v1\"\n"
      "api_key_env = \"BASTION_TEST_MISSING\"\n",
      "f.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("BASTION_TEST_MISSING is not set"), std::string::npos);
}

TEST(ConfigTest, PublicPlaintextBindIsRefusedUnlessExplicit) {
  Config c;
  c.server.listen = "0.0.0.0:8080";
  Status st = ValidateConfig(c);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("TLS"), std::string::npos);
  c.server.allow_public_plaintext = true;
  EXPECT_TRUE(ValidateConfig(c).ok());
  c.server.allow_public_plaintext = false;
  c.server.tls.cert_file = "c.pem";
  c.server.tls.key_file = "k.pem";
  EXPECT_TRUE(ValidateConfig(c).ok());
  c.server.listen = "[::1]:8080";
  c.server.tls = TlsConfig();
  EXPECT_TRUE(ValidateConfig(c).ok());
}

TEST(ConfigTest, TlsNeedsBothFiles) {
  Config c;
  c.server.tls.cert_file = "c.pem";
  EXPECT_FALSE(ValidateConfig(c).ok());
}

TEST(ConfigTest, UpstreamSpecsGroupByModel) {
  Config c;
  ASSERT_TRUE(AddUpstreamSpec(c, "m=http://127.0.0.1:1/v1").ok());
  ASSERT_TRUE(AddUpstreamSpec(c, "m=http://127.0.0.1:2/v1").ok());
  ASSERT_TRUE(AddUpstreamSpec(c, "n=http://127.0.0.1:3").ok());
  ASSERT_EQ(c.models.size(), 2u);
  EXPECT_EQ(c.models[0].upstreams.size(), 2u);
  EXPECT_TRUE(ValidateConfig(c).ok());
  EXPECT_FALSE(AddUpstreamSpec(c, "no-equals-sign").ok());
  EXPECT_FALSE(AddUpstreamSpec(c, "=http://x").ok());
  ASSERT_TRUE(AddUpstreamSpec(c, "bad=ftp://127.0.0.1/").ok());
  EXPECT_FALSE(ValidateConfig(c).ok());
}

TEST(ConfigTest, TheShippedExampleIsValid) {
  auto c = LoadConfigFile(std::string(BASTION_SOURCE_DIR) + "/config/bastion.example.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(ValidateConfig(*c).ok());
  EXPECT_EQ(c->models.size(), 1u);
}

TEST(ConfigTest, CaFileIsOnlyForHttps) {
  Config c;
  ASSERT_TRUE(AddUpstreamSpec(c, "m=https://10.0.0.1/v1").ok());
  c.models[0].upstreams[0].ca_file = "ca.pem";
  EXPECT_TRUE(ValidateConfig(c).ok());
  ASSERT_TRUE(AddUpstreamSpec(c, "n=http://10.0.0.1/v1").ok());
  c.models[1].upstreams[0].ca_file = "ca.pem";
  Status st = ValidateConfig(c);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("ca_file is only for https"), std::string::npos);
}

TEST(ConfigTest, DuplicateModelsAreRejected) {
  auto c = ParseConfig(
      "[[models]]\nname = \"a\"\n[[models.upstreams]]\nurl = \"http://127.0.0.1:1\"\n"
      "[[models]]\nname = \"a\"\n[[models.upstreams]]\nurl = \"http://127.0.0.1:2\"\n",
      "f.toml");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(ValidateConfig(*c).ok());
}

TEST(ConfigTest, ReasoningAutoFollowsTheModelName) {
  ModelConfig m;
  m.name = "DeepSeek-R1-Distill-Qwen-7B";
  EXPECT_EQ(EffectiveReasoning(m), ReasoningFormat::kDeepSeekR1);
  m.name = "llama3";
  EXPECT_EQ(EffectiveReasoning(m), ReasoningFormat::kNone);
  m.upstream_model = "deepseek-ai/DeepSeek-R1";
  EXPECT_EQ(EffectiveReasoning(m), ReasoningFormat::kDeepSeekR1);
  m.reasoning = ReasoningFormat::kNone;
  EXPECT_EQ(EffectiveReasoning(m), ReasoningFormat::kNone);
}

}  // namespace
}  // namespace bastion
