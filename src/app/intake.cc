// bastion intake PATH: scan, identify the licence, hash, and write the intake record that
// serve requires before it loads a model.
#include <cstdio>
#include <string>
#include <thread>

#include "app/commands.h"
#include "model/intake/intake_record.h"

namespace bastion::app {
namespace {

struct IntakeFlags {
  std::string path;
  int threads = 0;
};

int RunIntake(const IntakeFlags& flags) {
  const size_t threads = flags.threads > 0 ? static_cast<size_t>(flags.threads)
                                           : std::max(1u, std::thread::hardware_concurrency());
  auto record = model::RecordIntake(flags.path, {}, threads);
  if (!record.ok()) {
    std::fprintf(stderr, "bastion intake: %s: %s\n", flags.path.c_str(),
                 record.status().message().c_str());
    return record.status().code() == StatusCode::kFailedPrecondition ? kExitFailure : kExitUsage;
  }
  uint64_t bytes = 0;
  for (const auto& f : record->manifest.files) bytes += f.size;
  std::printf(
      "intake: %s passed: %zu files (%.2f GB) hashed, scan safe (%zu findings below high)\n",
      flags.path.c_str(), record->manifest.files.size(), static_cast<double>(bytes) / 1e9,
      record->scan_findings);
  std::printf("licence: %s\n", record->license_model.empty()
                                   ? "not identified (see bastion license)"
                                   : (record->license_model + ", " + record->license).c_str());
  std::printf("record:  %s\n", model::IntakeRecordPath(flags.path).c_str());
  return kExitOk;
}

}  // namespace

Command RegisterIntake(CLI::App& app) {
  auto flags = std::make_shared<IntakeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "intake",
      "Admit a local model for serving: scan it (it must be safe), identify its licence, hash\n"
      "every file, and write the intake record serve checks before loading it\n"
      "(DIR/.bastion/intake.json, or FILE.intake.json). Exit status: 0 admitted, 1 the scan\n"
      "did not pass, 2 error");
  cmd->add_option("path", flags->path, "A GGUF file or a model folder")->required();
  cmd->add_option("-t,--threads", flags->threads, "Files hashed at once (default: one per core)")
      ->check(CLI::Range(1, 1024));
  return [flags] { return RunIntake(*flags); };
}

}  // namespace bastion::app
