#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "app/commands.h"
#include "model/hub/hub_pull.h"

namespace bastion::app {
namespace {

int RunPull(model::PullOptions options) {
  // The token comes from the environment only: never a flag (shell history, ps) and never logged.
  if (const char* token = std::getenv("HF_TOKEN")) options.token = token;
  options.tty = isatty(STDERR_FILENO) == 1;
  options.hash_threads = std::max(1u, std::thread::hardware_concurrency());
  Status status = model::PullFromHub(options);
  if (status.ok()) return kExitOk;
  std::fprintf(stderr, "bastion pull: %s\n", status.message().c_str());
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kPermissionDenied:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

}  // namespace

Command RegisterPull(CLI::App& app) {
  auto options = std::make_shared<model::PullOptions>();
  CLI::App* cmd = app.add_subcommand(
      "pull",
      "Download a model from the Hugging Face Hub into a folder, verify every file against the\n"
      "hub's listing (SHA-256 for LFS files, git blob ids otherwise), then scan it and write the\n"
      "intake record that serve requires. Interrupted downloads resume on the next run.\n"
      "Pickle formats (*.bin *.pt *.pth *.ckpt *.pkl *.pickle *.npy *.h5 *.msgpack) and *.py are\n"
      "skipped unless asked for. HF_TOKEN, if set, is sent to the hub only.\n"
      "Exit status: 0 done, 1 transfer, verification or scan failure, 2 bad arguments\n"
      "(repository syntax, organisation not allowed, unknown repository or revision)");
  cmd->add_option("repo", options->repo,
                  "ORG/REPO[@REVISION] (revision: branch, tag or commit; "
                  "default main)")
      ->required();
  cmd->add_option("--to", options->dir, "Destination folder")->required();
  cmd->add_option("--hub", options->hub,
                  "Hub base URL; https required (plain http only for loopback hosts)")
      ->capture_default_str();
  cmd->add_option("--allow-org", options->allow_orgs,
                  "Also allow this organisation (repeatable; deepseek-ai is always allowed)")
      ->allow_extra_args(false);
  cmd->add_option("--allow-host", options->allow_hosts,
                  "Also allow redirects to HOST or HOST:PORT (repeatable; the hub, "
                  "cdn-lfs.huggingface.co,\ncdn-lfs.hf.co, cdn-lfs-us-1.huggingface.co and "
                  "cas-bridge.xethub.hf.co are always allowed)")
      ->allow_extra_args(false);
  cmd->add_flag("--include-pickles", options->include_pickles,
                "Also download pickle-based files (they are still scanned)");
  cmd->add_flag("--include-code", options->include_code,
                "Also download *.py files (remote code; the scan still flags it)");
  cmd->add_option("--parallel", options->parallel, "Files downloaded at a time (1-16)")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  cmd->add_option("--ca-file", options->ca_file,
                  "Trust this CA bundle instead of the system's CA store");
  return [options] { return RunPull(*options); };
}

}  // namespace bastion::app
