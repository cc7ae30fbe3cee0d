#pragma once
// Shared by the doctor tests: a fake PostureEnv, a model folder that passed intake, red-team
// reports and TLS certificates made on the spot, and a configuration on which every config item
// passes.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <map>
#include <string>

#include "common/config.h"
#include "common/temp_dir.h"
#include "model/gguf/gguf_writer.h"
#include "model/intake/intake_record.h"
#include "posture/posture_env.h"
#include "redteam/report.h"

namespace bastion::posture::testing {

inline constexpr int64_t kNow = 1'800'000'000'000;  // 2027-01-15, Unix milliseconds
inline constexpr int64_t kDay = 86'400'000;

class FakeEnv : public PostureEnv {
 public:
  int64_t now_ms = kNow;
  std::map<std::string, std::string> files;
  KeyInventory keys{true, "fake store", {{"admin", 1}, {"user", 3}}};

  int64_t NowUnixMs() const override { return now_ms; }
  Result<std::string> ReadFile(const std::string& path) const override {
    auto it = files.find(path);
    if (it == files.end()) return Status::NotFound(path + ": no such file");
    return it->second;
  }
  KeyInventory Keys(const Config&) const override { return keys; }
};

// "2027-01-14T00:00:00Z" for Unix milliseconds.
inline std::string Rfc3339(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// A report.json as `bastion redteam` writes it.
inline std::string ReportJson(double asr, int64_t started_ms, int judged = 100,
                              const std::string& model = "r1") {
  redteam::Report r;
  r.model = model;
  r.target_url = "http://127.0.0.1:8080";
  r.started = Rfc3339(started_ms);
  r.overall.attempts = judged;
  r.overall.judged = judged;
  r.overall.successes = static_cast<int>(asr * judged);
  r.overall.asr = asr;
  return redteam::ReportToJson(r);
}

// A GGUF model folder named like DeepSeek-R1-Distill-Qwen-7B (MIT), recorded at intake as if
// pulled from the hub.
inline Status MakeVerifiedModel(const bastion::testing::TempDir& dir) {
  model::GgufWriter w;
  w.AddString("general.architecture", "llama");
  w.AddString("tokenizer.chat_template", "{{ messages }}");
  auto bytes = w.Finish();
  if (!bytes.ok()) return bytes.status();
  dir.Write("model.gguf", *bytes);
  dir.Write("config.json", R"({"_name_or_path":"deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"})");
  auto record =
      model::RecordIntake(dir.path().string(),
                          {"https://huggingface.co", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
                           "main", "0123456789abcdef0123456789abcdef01234567"},
                          1);
  return record.ok() ? Status::Ok() : record.status();
}

// The configuration every config item passes on, with `model_dir` served as "r1".
inline Config GoodConfig(const std::string& model_dir) {
  Config c;
  ModelConfig m;
  m.name = "r1";
  m.path = model_dir;
  c.models.push_back(m);
  c.licenses.allow = {"MIT"};
  RolePolicyConfig user;
  user.role = "user";
  user.models = {"r1"};
  user.requests_per_minute = 60;
  c.auth.roles.push_back(user);
  c.posture.redteam_report = "/reports/report.json";
  c.posture.data_class = "internal";
  return c;
}

inline FakeEnv GoodEnv() {
  FakeEnv env;
  env.files["/reports/report.json"] = ReportJson(0.05, kNow - kDay);
  return env;
}

// A self-signed P-256 certificate valid until `not_after_ms`, and its key, as PEM.
inline void SelfSigned(int64_t not_after_ms, std::string& cert_pem, std::string& key_pem) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(kNow / 1000 - 86400 * 10));
  ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(not_after_ms / 1000));
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("gateway.test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, EVP_sha256());
  auto pem = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<size_t>(size));
    BIO_free(bio);
    return out;
  };
  cert_pem = pem([&](BIO* b) { PEM_write_bio_X509(b, x); });
  key_pem =
      pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
  X509_free(x);
  EVP_PKEY_free(key);
}

}  // namespace bastion::posture::testing
