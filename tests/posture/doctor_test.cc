// bastion doctor's config checks: a configuration on which every item passes, and bad ones
// that each trip the item a reviewer would expect, with its status and fix.
#include "posture/doctor.h"

#include <gtest/gtest.h>

#include "posture/config_checks.h"
#include "posture/doctor_fixtures.h"

namespace bastion::posture {
namespace {

using testing::FakeEnv;
using testing::kDay;
using testing::kNow;

class DoctorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::MakeVerifiedModel(model_dir_).ok());
    config_ = testing::GoodConfig(model_dir_.path().string());
  }

  // The item `id` after checking config_ in env_; fails the test when there is none.
  CheckItem Item(const std::string& id) {
    checklist_ = CheckConfig(config_, env_);
    const CheckItem* item = checklist_.Find(id);
    EXPECT_NE(item, nullptr) << id;
    return item ? *item : CheckItem{};
  }

  bastion::testing::TempDir model_dir_{"bastion_doctor_model_"};
  Config config_;
  FakeEnv env_ = testing::GoodEnv();
  Checklist checklist_;
};

TEST_F(DoctorTest, AGoodConfigurationPassesEveryItem) {
  const Checklist list = CheckConfig(config_, env_);
  std::vector<std::string> ids;
  for (const CheckItem& item : list.items()) {
    ids.push_back(item.id);
    EXPECT_EQ(item.status, CheckStatus::kPass) << item.id << ": " << item.detail;
    EXPECT_TRUE(item.fix.empty()) << item.id;
  }
  const std::vector<std::string> want = {
      "config.valid",          "server.exposure",      "server.tls",
      "auth.required",         "auth.roles",           "model.verified:r1",
      "model.version:r1",      "model.license:r1",     "model.format:r1",
      "model.remote_code:r1",  "engine.isolation",     "network.egress",
      "gateway.single",        "audit.no_prompt_text", "audit.retention",
      "guard.enabled",         "monitoring.alerts",    "redteam.report",
      "dependencies.versions", "data.obligations"};
  EXPECT_EQ(ids, want);
  EXPECT_FALSE(list.AnyFailed());
}

TEST_F(DoctorTest, InsecureNoAuthFailsAuthentication) {
  config_.server.insecure_no_auth = true;
  const CheckItem required = Item("auth.required");
  EXPECT_EQ(required.status, CheckStatus::kFail);
  EXPECT_NE(required.fix.find("insecure_no_auth"), std::string::npos);
  EXPECT_EQ(Item("auth.roles").status, CheckStatus::kFail);
}

TEST_F(DoctorTest, AnonymousMetricsWarn) {
  config_.auth.metrics_anonymous = true;
  const CheckItem required = Item("auth.required");
  EXPECT_EQ(required.status, CheckStatus::kWarn);
  EXPECT_NE(required.detail.find("GET /metrics"), std::string::npos) << required.detail;
}

TEST_F(DoctorTest, RolesInUse) {
  env_.keys.active_by_role = {{"admin", 2}};
  EXPECT_EQ(Item("auth.roles").status, CheckStatus::kWarn);
  EXPECT_NE(Item("auth.roles").detail.find("every caller is an admin"), std::string::npos);
  env_.keys.active_by_role = {{"user", 2}};
  config_.auth.roles.clear();
  EXPECT_EQ(Item("auth.roles").status, CheckStatus::kWarn);
  EXPECT_NE(Item("auth.roles").fix.find("[auth.roles.user]"), std::string::npos);
}

TEST_F(DoctorTest, PublicPlaintextFailsExposure) {
  config_.server.listen = "0.0.0.0:8080";
  config_.server.allow_public_plaintext = true;
  const CheckItem exposure = Item("server.exposure");
  EXPECT_EQ(exposure.status, CheckStatus::kFail);
  EXPECT_NE(exposure.fix.find("[server.tls]"), std::string::npos);
  EXPECT_EQ(Item("server.tls").status, CheckStatus::kWarn);
  EXPECT_EQ(Item("config.valid").status, CheckStatus::kPass);

  config_.server.allow_public_plaintext = false;  // serve refuses this one outright
  EXPECT_EQ(Item("config.valid").status, CheckStatus::kFail);
  EXPECT_EQ(Item("server.exposure").status, CheckStatus::kFail);
}

TEST_F(DoctorTest, PublicWithTlsPassesAndTheCertificateIsJudged) {
  config_.server.listen = "0.0.0.0:8443";
  config_.server.tls = {"/tls/cert.pem", "/tls/key.pem", "1.3"};
  testing::SelfSigned(kNow + 90 * kDay, env_.files["/tls/cert.pem"], env_.files["/tls/key.pem"]);
  EXPECT_EQ(Item("server.exposure").status, CheckStatus::kPass);
  const CheckItem tls = Item("server.tls");
  EXPECT_EQ(tls.status, CheckStatus::kPass) << tls.detail;
  EXPECT_NE(tls.detail.find("TLS 1.3 only"), std::string::npos) << tls.detail;
  EXPECT_NE(tls.detail.find("CN=gateway.test"), std::string::npos) << tls.detail;

  testing::SelfSigned(kNow + 3 * kDay, env_.files["/tls/cert.pem"], env_.files["/tls/key.pem"]);
  EXPECT_EQ(Item("server.tls").status, CheckStatus::kWarn);
  testing::SelfSigned(kNow - kDay, env_.files["/tls/cert.pem"], env_.files["/tls/key.pem"]);
  EXPECT_EQ(Item("server.tls").status, CheckStatus::kFail);
  std::string other_cert;
  testing::SelfSigned(kNow + 90 * kDay, other_cert, env_.files["/tls/key.pem"]);
  EXPECT_EQ(Item("server.tls").status, CheckStatus::kFail);  // key of another certificate
  env_.files.erase("/tls/key.pem");
  EXPECT_EQ(Item("server.tls").status, CheckStatus::kFail);
}

TEST_F(DoctorTest, IsolationNoneFails) {
  config_.engine.isolation = "none";
  const CheckItem item = Item("engine.isolation");
  EXPECT_EQ(item.status, CheckStatus::kFail);
  EXPECT_EQ(item.fix, "set [engine] isolation = \"worker\"");
}

TEST_F(DoctorTest, AuditDisabledFailsRetention) {
  config_.audit.enabled = false;
  const CheckItem retention = Item("audit.retention");
  EXPECT_EQ(retention.status, CheckStatus::kFail);
  EXPECT_EQ(retention.fix, "set [audit] enabled = true");
  EXPECT_EQ(Item("audit.no_prompt_text").status, CheckStatus::kPass);
}

TEST_F(DoctorTest, RetentionZeroFailsAndNoPurgeWarns) {
  config_.audit.retain_metadata = Millis(0);
  config_.audit.retain_content = Millis(0);
  EXPECT_EQ(Item("audit.retention").status, CheckStatus::kFail);
  config_.audit.retain_metadata = Millis(90 * kDay);
  config_.audit.purge_interval = Millis(0);
  const CheckItem item = Item("audit.retention");
  EXPECT_EQ(item.status, CheckStatus::kWarn);
  EXPECT_NE(item.fix.find("purge_interval"), std::string::npos);
}

TEST_F(DoctorTest, StoredContentIsDescribed) {
  config_.audit.content = ContentPolicy::kEncrypted;
  config_.audit.auditor_public_key_file = "/keys/auditor.pub";
  const CheckItem item = Item("audit.no_prompt_text");
  EXPECT_EQ(item.status, CheckStatus::kPass);
  EXPECT_NE(item.detail.find("sealed"), std::string::npos) << item.detail;
}

TEST_F(DoctorTest, GuardOffWarns) {
  config_.guard.scan_output = false;
  EXPECT_EQ(Item("guard.enabled").status, CheckStatus::kWarn);
  config_.guard.enabled = false;
  const CheckItem guard = Item("guard.enabled");
  EXPECT_EQ(guard.status, CheckStatus::kWarn);
  EXPECT_EQ(guard.fix, "set [guard] enabled = true");
  EXPECT_EQ(Item("monitoring.alerts").status, CheckStatus::kWarn);
}

TEST_F(DoctorTest, JailbreaksAllowedForARoleWarn) {
  config_.guard.roles.push_back({"user", {{"jailbreak", "allow"}}});
  const CheckItem item = Item("monitoring.alerts");
  EXPECT_EQ(item.status, CheckStatus::kWarn);
  EXPECT_NE(item.detail.find("role user"), std::string::npos) << item.detail;
}

TEST_F(DoctorTest, RedteamReport) {
  config_.posture.redteam_report.clear();
  EXPECT_EQ(Item("redteam.report").status, CheckStatus::kWarn);

  config_.posture.redteam_report = "/reports/missing.json";
  EXPECT_EQ(Item("redteam.report").status, CheckStatus::kFail);

  config_.posture.redteam_report = "/reports/report.json";
  env_.files["/reports/report.json"] = R"({"format":2})";
  EXPECT_EQ(Item("redteam.report").status, CheckStatus::kFail);

  env_.files["/reports/report.json"] = testing::ReportJson(0.05, kNow - 45 * kDay);
  const CheckItem old = Item("redteam.report");
  EXPECT_EQ(old.status, CheckStatus::kWarn);
  EXPECT_NE(old.detail.find("45 days ago"), std::string::npos) << old.detail;

  env_.files["/reports/report.json"] = testing::ReportJson(0.35, kNow - kDay);
  const CheckItem high = Item("redteam.report");
  EXPECT_EQ(high.status, CheckStatus::kFail);
  EXPECT_NE(high.detail.find("35.0%"), std::string::npos) << high.detail;
  config_.posture.max_asr = 0.4;
  EXPECT_EQ(Item("redteam.report").status, CheckStatus::kPass);

  env_.files["/reports/report.json"] = testing::ReportJson(0, kNow - kDay, 0);
  EXPECT_EQ(Item("redteam.report").status, CheckStatus::kFail);  // nothing judged

  env_.files["/reports/report.json"] = testing::ReportJson(0.05, kNow - kDay, 100, "other");
  EXPECT_EQ(Item("redteam.report").status, CheckStatus::kWarn);
}

TEST_F(DoctorTest, PhiNeedsAcknowledgedObligations) {
  config_.posture.data_class = "phi";
  const CheckItem item = Item("data.obligations");
  EXPECT_EQ(item.status, CheckStatus::kFail);
  EXPECT_NE(item.detail.find("business associate agreement"), std::string::npos);
  EXPECT_NE(item.fix.find("obligations_acknowledged = true"), std::string::npos);

  config_.posture.obligations_acknowledged = true;
  EXPECT_EQ(Item("data.obligations").status, CheckStatus::kPass) << Item("data.obligations").detail;

  config_.audit.content = ContentPolicy::kRedacted;  // redaction is not de-identification
  const CheckItem redacted = Item("data.obligations");
  EXPECT_EQ(redacted.status, CheckStatus::kFail);
  EXPECT_NE(redacted.detail.find("[NOT MET] no prompt text at rest"), std::string::npos);

  config_.posture.data_class.clear();
  EXPECT_EQ(Item("data.obligations").status, CheckStatus::kWarn);
  config_.posture.data_class = "public";
  EXPECT_EQ(Item("data.obligations").status, CheckStatus::kPass);
}

TEST_F(DoctorTest, EgressNamesEveryHostWithoutCredentials) {
  ModelConfig remote;
  remote.name = "big";
  remote.upstreams.push_back({.url = "http://10.0.0.5:8000/v1"});
  config_.models.push_back(remote);
  config_.auth.key_store_url = "postgresql://bastion:s3cret-pw@db.internal:5432/keys";
  config_.auth.redis_url = "redis://:redis-pw@cache.internal:6379/0";
  const CheckItem egress = Item("network.egress");
  EXPECT_EQ(egress.status, CheckStatus::kWarn);
  EXPECT_NE(egress.detail.find("http://10.0.0.5:8000"), std::string::npos) << egress.detail;
  EXPECT_NE(egress.detail.find("postgresql://db.internal:5432"), std::string::npos);
  EXPECT_NE(egress.detail.find("redis://cache.internal:6379"), std::string::npos);
  for (const CheckItem& item : checklist_.items()) {
    EXPECT_EQ(item.detail.find("s3cret-pw"), std::string::npos) << item.id;
    EXPECT_EQ(item.detail.find("redis-pw"), std::string::npos) << item.id;
  }
  const CheckItem single = Item("gateway.single");
  EXPECT_EQ(single.status, CheckStatus::kWarn);
  EXPECT_NE(single.fix.find("loopback or a private network"), std::string::npos);
  EXPECT_EQ(Item("model.verified:big").status, CheckStatus::kWarn);
}

TEST_F(DoctorTest, AllowUnverifiedFails) {
  config_.models[0].allow_unverified = true;
  const CheckItem item = Item("model.verified:r1");
  EXPECT_EQ(item.status, CheckStatus::kFail);
  EXPECT_NE(item.fix.find("bastion intake"), std::string::npos);
}

TEST(DependencyCheckTest, OldLibrariesWarnCurrentOnesPass) {
  Checklist ok;
  CheckDependencies({{"openssl", "3.0.15"}, {"sqlite", "3.40.1"}}, ok);
  EXPECT_EQ(ok.items()[0].status, CheckStatus::kPass);
  EXPECT_NE(ok.items()[0].detail.find("openssl 3.0.15"), std::string::npos);
  Checklist old;
  CheckDependencies({{"openssl", "1.1.1w"}, {"sqlite", "3.39.10"}}, old);
  EXPECT_EQ(old.items()[0].status, CheckStatus::kWarn);
  EXPECT_NE(old.items()[0].detail.find("openssl 1.1.1w is below 3.0.0"), std::string::npos);
  EXPECT_EQ(old.items()[0].detail.find("sqlite 3.39.10 is below"), std::string::npos);
}

}  // namespace
}  // namespace bastion::posture
