// bastion license PATH [--json]
#include <cstdio>
#include <string>

#include "app/commands.h"
#include "common/json_writer.h"
#include "model/intake/license_identify.h"

namespace bastion::app {
namespace {

struct LicenseFlags {
  std::string path;
  bool json = false;
};

std::string ReportJson(const model::LicenseReport& r) {
  JsonWriter w;
  w.BeginObject().Key("model");
  if (r.release != nullptr) {
    w.String(r.release->name).Key("identified_by").String(r.identified_by);
    w.Key("license")
        .String(r.release->license)
        .Key("commercial_use")
        .Bool(r.release->commercial_use);
    w.Key("upstream").BeginArray();
    for (const auto& u : r.release->upstream) {
      w.BeginObject().Key("model").String(u.name).Key("license").String(u.license).EndObject();
    }
    w.EndArray().Key("obligations").BeginArray();
    for (std::string_view o : r.release->obligations) w.String(o);
    w.EndArray();
  } else {
    w.Null().Key("identified_by").Null().Key("license").Null().Key("commercial_use").Null();
  }
  w.Key("candidates").BeginArray();
  for (const std::string& c : r.candidates) w.String(c);
  w.EndArray().Key("caveats").BeginArray();
  for (const std::string& c : r.caveats) w.String(c);
  w.EndArray().Key("evidence").BeginArray();
  for (const auto& e : r.evidence) {
    w.BeginObject().Key("source").String(e.source).Key("value").String(e.value).EndObject();
  }
  w.EndArray().Key("declared").BeginArray();
  for (const auto& d : r.declared) {
    w.BeginObject().Key("source").String(d.source).Key("license").String(d.value).EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

void PrintReport(const model::LicenseReport& r) {
  if (r.release == nullptr) {
    std::printf("model:       not identified%s\n",
                r.candidates.empty() ? "" : " (several releases fit)");
    for (const std::string& c : r.candidates) std::printf("             could be %s\n", c.c_str());
  } else {
    const model::Release& rel = *r.release;
    std::printf("model:       %s (identified by %s)\n", std::string(rel.name).c_str(),
                r.identified_by.c_str());
    std::printf("licence:     %s; commercial use %s\n", std::string(rel.license).c_str(),
                rel.commercial_use ? "allowed" : "not allowed");
    for (const auto& u : rel.upstream) {
      std::printf("upstream:    %s, %s\n", std::string(u.name).c_str(),
                  std::string(u.license).c_str());
    }
    for (std::string_view o : rel.obligations)
      std::printf("you must:    %s\n", std::string(o).c_str());
  }
  for (const std::string& c : r.caveats) std::printf("caveat:      %s\n", c.c_str());
  for (const auto& e : r.evidence) {
    std::printf("evidence:    %s = %s\n", e.source.c_str(), e.value.c_str());
  }
  for (const auto& d : r.declared)
    std::printf("declared:    %s = %s\n", d.source.c_str(), d.value.c_str());
}

int RunLicense(const LicenseFlags& flags) {
  auto report = model::IdentifyLicense(flags.path);
  if (!report.ok()) {
    std::fprintf(stderr, "bastion license: %s\n", report.status().message().c_str());
    return kExitUsage;
  }
  if (flags.json) {
    std::printf("%s\n", ReportJson(*report).c_str());
  } else {
    PrintReport(*report);
  }
  return report->release != nullptr ? kExitOk : kExitFailure;
}

}  // namespace

Command RegisterLicense(CLI::App& app) {
  auto flags = std::make_shared<LicenseFlags>();
  CLI::App* cmd = app.add_subcommand(
      "license",
      "Identify which DeepSeek release a model file or folder is, and print its licence,\n"
      "whether commercial use is allowed, the licences of the models it was built on, what you\n"
      "must do to serve it, and caveats (licences the files state that disagree, licence\n"
      "metadata only a converter asserted). Exit status: 0 identified, 1 not, 2 error");
  cmd->add_option("path", flags->path, "A GGUF file or a model folder")->required();
  cmd->add_flag("--json", flags->json,
                "Print {\"model\",\"identified_by\",\"license\",\"commercial_use\",\"upstream\",\n"
                "\"obligations\",\"candidates\",\"caveats\",\"evidence\",\"declared\"}");
  return [flags] { return RunLicense(*flags); };
}

}  // namespace bastion::app
