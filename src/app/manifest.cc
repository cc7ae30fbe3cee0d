// bastion manifest DIR and bastion verify DIR --manifest FILE.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "app/commands.h"
#include "common/json_writer.h"
#include "model/intake/manifest.h"

namespace bastion::app {
namespace {

struct ManifestFlags {
  std::string dir;
  std::string manifest;  // verify: the manifest to check against
  int threads = 0;       // 0: one per core
  bool json = false;
};

size_t Threads(int flag) {
  return flag > 0 ? static_cast<size_t>(flag) : std::max(1u, std::thread::hardware_concurrency());
}

int RunManifest(const ManifestFlags& flags) {
  auto manifest = model::BuildManifest(flags.dir, Threads(flags.threads));
  if (!manifest.ok()) {
    std::fprintf(stderr, "bastion manifest: %s\n", manifest.status().message().c_str());
    return kExitUsage;
  }
  std::printf("%s\n", model::ManifestJson(*manifest).c_str());
  return kExitOk;
}

void PrintDrift(const model::ManifestDrift& drift, size_t files, double gb, double seconds,
                bool json) {
  if (json) {
    JsonWriter w;
    w.BeginObject().Key("ok").Bool(drift.empty());
    for (const auto& [key, list] :
         {std::pair{"changed", &drift.changed}, std::pair{"missing", &drift.missing},
          std::pair{"extra", &drift.extra}}) {
      w.Key(key).BeginArray();
      for (const std::string& line : *list) w.String(line);
      w.EndArray();
    }
    w.Key("files").Uint(files).Key("bytes").Double(gb * 1e9).EndObject();
    std::printf("%s\n", w.str().c_str());
    return;
  }
  for (const std::string& line : drift.changed) std::printf("changed: %s\n", line.c_str());
  for (const std::string& line : drift.missing) std::printf("missing: %s\n", line.c_str());
  for (const std::string& line : drift.extra) std::printf("extra:   %s\n", line.c_str());
  std::printf("%s: %zu files, %.2f GB hashed in %.2f s (%.2f GB/s)\n",
              drift.empty() ? "verified" : "MISMATCH", files, gb, seconds,
              seconds > 0 ? gb / seconds : 0.0);
}

int RunVerify(const ManifestFlags& flags) {
  std::ifstream in(flags.manifest, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "bastion verify: %s: cannot read the manifest\n", flags.manifest.c_str());
    return kExitUsage;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto want = model::ParseManifest(text.str());
  if (!want.ok()) {
    std::fprintf(stderr, "bastion verify: %s: %s\n", flags.manifest.c_str(),
                 want.status().message().c_str());
    return kExitUsage;
  }
  const auto start = std::chrono::steady_clock::now();
  auto got = model::BuildManifest(flags.dir, Threads(flags.threads), flags.manifest);
  if (!got.ok()) {
    std::fprintf(stderr, "bastion verify: %s\n", got.status().message().c_str());
    return kExitUsage;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double bytes = 0;
  for (const auto& f : got->files) bytes += static_cast<double>(f.size);
  const model::ManifestDrift drift = model::CompareManifests(*want, *got);
  PrintDrift(drift, got->files.size(), bytes / 1e9, seconds, flags.json);
  return drift.empty() ? kExitOk : kExitFailure;
}

}  // namespace

Command RegisterManifest(CLI::App& app) {
  auto flags = std::make_shared<ManifestFlags>();
  CLI::App* cmd = app.add_subcommand(
      "manifest",
      "Print every file of a model folder with its size and SHA-256, as JSON:\n"
      "{\"version\":1,\"files\":[{\"path\",\"size\",\"sha256\"}]} (bastion manifest DIR > FILE)");
  cmd->add_option("dir", flags->dir, "The model folder")->required();
  cmd->add_option("-t,--threads", flags->threads, "Files hashed at once (default: one per core)")
      ->check(CLI::Range(1, 1024));
  return [flags] { return RunManifest(*flags); };
}

Command RegisterVerify(CLI::App& app) {
  auto flags = std::make_shared<ManifestFlags>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Check a model folder against its manifest: any changed, missing or extra file fails.\n"
      "Exit status: 0 it matches, 1 it does not, 2 error");
  cmd->add_option("dir", flags->dir, "The model folder")->required();
  cmd->add_option("--manifest", flags->manifest, "What `bastion manifest` wrote")->required();
  cmd->add_option("-t,--threads", flags->threads, "Files hashed at once (default: one per core)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--json", flags->json,
                "Print {\"ok\",\"changed\",\"missing\",\"extra\",\"files\",\"bytes\"}");
  return [flags] { return RunVerify(*flags); };
}

}  // namespace bastion::app
