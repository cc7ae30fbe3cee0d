#include <cstdio>
#include <string>

#include "app/commands.h"
#include "common/json_writer.h"
#include "model/intake/scanner.h"

namespace bastion::app {
namespace {

struct ScanFlags {
  std::string path;
  bool json = false;
  bool strict = false;
};

// {"verdict", "files": [{"path","format","verdict","findings":[{"severity","rule","detail"}]}]}
// plus "error" on files that could not be parsed.
std::string ReportJson(const model::ScanReport& report) {
  JsonWriter w;
  w.BeginObject().Key("verdict").String(model::VerdictName(report.verdict)).Key("files");
  w.BeginArray();
  for (const model::FileScan& f : report.files) {
    w.BeginObject()
        .Key("path")
        .String(f.path)
        .Key("format")
        .String(model::FileFormatName(f.format))
        .Key("verdict")
        .String(model::VerdictName(f.verdict));
    if (!f.error.empty()) w.Key("error").String(f.error);
    w.Key("findings").BeginArray();
    for (const model::Finding& finding : f.findings) {
      w.BeginObject()
          .Key("severity")
          .String(model::SeverityName(finding.severity))
          .Key("rule")
          .String(finding.rule)
          .Key("detail")
          .String(finding.detail)
          .EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

void PrintTable(const model::ScanReport& report) {
  size_t unsafe = 0, errors = 0;
  for (const model::FileScan& f : report.files) {
    unsafe += f.verdict == model::Verdict::kUnsafe;
    errors += f.verdict == model::Verdict::kError;
    std::string verdict(model::VerdictName(f.verdict));
    for (char& c : verdict) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::printf("%-7s %-12s %s\n", verdict.c_str(),
                std::string(model::FileFormatName(f.format)).c_str(), f.path.c_str());
    if (!f.error.empty()) std::printf("        error     %s\n", f.error.c_str());
    for (const model::Finding& finding : f.findings) {
      std::printf("        %-9s %s: %s\n",
                  std::string(model::SeverityName(finding.severity)).c_str(), finding.rule.c_str(),
                  finding.detail.c_str());
    }
  }
  std::printf("verdict: %s (%zu files: %zu unsafe, %zu could not be parsed)\n",
              std::string(model::VerdictName(report.verdict)).c_str(), report.files.size(), unsafe,
              errors);
}

int RunScan(const ScanFlags& flags) {
  auto report = model::ScanPath(flags.path, {.strict = flags.strict});
  if (!report.ok()) {
    std::fprintf(stderr, "bastion scan: %s\n", report.status().message().c_str());
    return kExitUsage;
  }
  if (flags.json) {
    std::printf("%s\n", ReportJson(*report).c_str());
  } else {
    PrintTable(*report);
  }
  switch (report->verdict) {
    case model::Verdict::kSafe:
      return kExitOk;
    case model::Verdict::kUnsafe:
      return kExitFailure;
    case model::Verdict::kError:
      return kExitUsage;
  }
  return kExitUsage;
}

}  // namespace

Command RegisterScan(CLI::App& app) {
  auto flags = std::make_shared<ScanFlags>();
  CLI::App* cmd = app.add_subcommand(
      "scan",
      "Judge model files by their bytes, without loading them: safetensors and GGUF structure,\n"
      "chat templates that would run code in Jinja2, pickles (also inside PyTorch zips and .npy\n"
      "files), and remote code (*.py, auto_map, scripts, shared objects).\n"
      "Exit status: 0 safe, 1 unsafe (a high or critical finding), 2 error (a file that cannot\n"
      "be parsed, when nothing made it unsafe; or bad arguments)");
  cmd->add_option("path", flags->path,
                  "A file, or a directory (Hugging Face snapshot, Ollama blobs)")
      ->required();
  cmd->add_flag("--json", flags->json,
                "Print {\"verdict\",\"files\":[{\"path\",\"format\",\"verdict\",\"findings\":\n"
                "[{\"severity\",\"rule\",\"detail\"}]}]}");
  cmd->add_flag("--strict", flags->strict, "Medium findings make a file unsafe too");
  return [flags] { return RunScan(*flags); };
}

}  // namespace bastion::app
