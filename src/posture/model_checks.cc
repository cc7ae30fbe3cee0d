// model.*: each model served from files was scanned and recorded at intake, is the same bytes
// now, comes from a known revision under an allowed licence, holds only safe tensor formats
// and no code. Upstream models are outside bastion's view and say so.
#include <filesystem>

#include "model/intake/intake_record.h"
#include "model/intake/license_identify.h"
#include "model/intake/license_policy.h"
#include "model/intake/scanner.h"
#include "posture/config_checks.h"
#include "posture/url_origin.h"

namespace bastion::posture {
namespace {

std::string ModelName(const ModelConfig& m) {
  if (!m.name.empty()) return m.name;
  return std::filesystem::path(m.path).filename().string();
}

void CheckUpstreamModel(const ModelConfig& m, Checklist& out) {
  std::string hosts;
  for (const UpstreamConfig& u : m.upstreams) {
    hosts += (hosts.empty() ? "" : ", ") + OriginOf(u.url).ToString();
  }
  out.Warn("model.verified:" + ModelName(m),
           "served by upstream engines (" + hosts +
               "): their model files are outside what "
               "bastion can verify",
           "run `bastion intake` (or `bastion scan`) on the model folder on the engine host, and "
           "keep that engine reachable only from this gateway");
}

void CheckVerified(const ModelConfig& m, const Config& config,
                   const Result<model::IntakeRecord>& record, Checklist& out) {
  const std::string id = "model.verified:" + ModelName(m);
  const std::string intake = "run `bastion intake " + m.path + "` and remove allow_unverified";
  if (m.allow_unverified) {
    return out.Fail(id,
                    m.path +
                        ": allow_unverified = true: loaded without checking an intake "
                        "record",
                    intake);
  }
  if (!record.ok()) return out.Fail(id, record.status().message(), intake);
  if (record->scan_verdict != "safe") {
    return out.Fail(id, "intake record says scan " + record->scan_verdict, intake);
  }
  const bool fast = config.engine.fast_intake_check;
  if (Status st = model::CheckIntake(m.path, static_cast<size_t>(config.engine.threads), fast);
      !st.ok()) {
    return out.Fail(id, st.message(),
                    "restore the recorded files, or review the change and run `bastion intake " +
                        m.path + "` again");
  }
  out.Pass(id, "intake record of " + record->created + ": scan safe, " +
                   std::to_string(record->manifest.files.size()) + " files match their " +
                   (fast ? "sizes and modification times (fast_intake_check)" : "SHA-256"));
}

void CheckVersion(const ModelConfig& m, const Result<model::IntakeRecord>& record, Checklist& out) {
  const std::string id = "model.version:" + ModelName(m);
  if (!record.ok()) {
    return out.Fail(id, "unknown: no intake record", "run `bastion intake " + m.path + "`");
  }
  const model::IntakeSource& s = record->source;
  const std::string pinned =
      std::to_string(record->manifest.files.size()) + " files pinned by SHA-256";
  if (s.repo.empty() || s.commit.empty()) {
    return out.Warn(id, pinned + ", but their origin is not recorded (local files)",
                    "fetch the model with `bastion pull`, which records the repository and commit");
  }
  out.Pass(
      id, s.repo + "@" + s.commit + " from " + s.hub + " (revision " + s.revision + "), " + pinned);
}

void CheckLicense(const ModelConfig& m, const LicensePolicy& policy, Checklist& out) {
  const std::string id = "model.license:" + ModelName(m);
  auto report = model::IdentifyLicense(m.path);
  if (!report.ok()) return out.Fail(id, report.status().message(), "check the model's path");
  if (report->release == nullptr) {
    return out.Fail(id, "the licence is not identified",
                    "`bastion license " + m.path +
                        "` shows the evidence; serve identified "
                        "releases only");
  }
  const std::string what =
      std::string(report->release->name) + " under " + std::string(report->release->license);
  if (policy.allow.empty()) {
    return out.Warn(id, what + "; [licenses] allow is empty, so any licence is accepted",
                    "set [licenses] allow to the licences you have reviewed, e.g. [\"" +
                        std::string(report->release->license) + "\"]");
  }
  if (Status st = model::CheckLicensePolicy(m.path, policy.allow); !st.ok()) {
    return out.Fail(id, st.message(),
                    "serve another model, or review the licence and add it "
                    "to [licenses] allow");
  }
  out.Pass(id, what + ", allowed by [licenses]");
}

bool IsWeights(model::FileFormat f) {
  return f == model::FileFormat::kSafetensors || f == model::FileFormat::kGguf;
}

bool IsCodeCapable(model::FileFormat f) {
  using model::FileFormat;
  return f == FileFormat::kPickle || f == FileFormat::kZip || f == FileFormat::kNpy ||
         f == FileFormat::kHdf5;
}

void CheckFormat(const ModelConfig& m, const model::ScanReport& scan, Checklist& out) {
  const std::string id = "model.format:" + ModelName(m);
  int weights = 0;
  std::string unsafe;
  for (const model::FileScan& f : scan.files) {
    if (IsWeights(f.format)) ++weights;
    if (IsCodeCapable(f.format)) {
      unsafe += (unsafe.empty() ? "" : ", ") + f.path + " (" +
                std::string(model::FileFormatName(f.format)) + ")";
    }
  }
  if (!unsafe.empty()) {
    return out.Fail(id, "files in formats that can carry code: " + unsafe,
                    "remove them: bastion serves only safetensors and GGUF (`bastion pull` does "
                    "not download them)");
  }
  if (weights == 0) {
    return out.Fail(id, "no safetensors or GGUF weights",
                    "point path at a GGUF file or a "
                    "safetensors folder");
  }
  out.Pass(id, std::to_string(weights) + " weight files, all safetensors or GGUF; no pickle");
}

void CheckRemoteCode(const ModelConfig& m, const model::ScanReport& scan, Checklist& out) {
  const std::string id = "model.remote_code:" + ModelName(m);
  std::string code;
  for (const model::FileScan& f : scan.files) {
    for (const model::Finding& finding : f.findings) {
      const bool remote = finding.rule.starts_with("remote_code.");
      const bool template_code =
          finding.rule.starts_with("template.") && finding.severity >= model::Severity::kHigh;
      if (remote || template_code) code += (code.empty() ? "" : ", ") + f.path + " " + finding.rule;
    }
  }
  if (!code.empty()) {
    return out.Fail(id, "code in the model folder: " + code,
                    "remove the code files and auto_map entries; bastion never runs model code, "
                    "but other tools on the host might");
  }
  out.Pass(id, "no Python, scripts, native code, auto_map or executable chat templates");
}

void CheckPathModel(const ModelConfig& m, const Config& config, Checklist& out) {
  const auto record = model::ReadIntakeRecord(m.path);
  CheckVerified(m, config, record, out);
  CheckVersion(m, record, out);
  CheckLicense(m, config.licenses, out);
  auto scan = model::ScanPath(m.path, {});
  if (!scan.ok()) {
    out.Fail("model.format:" + ModelName(m), scan.status().message(), "check the model's path");
    out.Fail("model.remote_code:" + ModelName(m), scan.status().message(),
             "check the model's path");
    return;
  }
  CheckFormat(m, *scan, out);
  CheckRemoteCode(m, *scan, out);
}

}  // namespace

void CheckModels(const Config& config, Checklist& out) {
  if (config.models.empty()) {
    out.Warn("model.verified", "no models configured: serve would answer no inference request",
             "add [[models]] with a path (after `bastion intake`) or upstreams");
    return;
  }
  for (const ModelConfig& m : config.models) {
    if (m.path.empty()) {
      CheckUpstreamModel(m, out);
    } else {
      CheckPathModel(m, config, out);
    }
  }
}

}  // namespace bastion::posture
