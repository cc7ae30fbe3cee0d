#pragma once
// bastion redteam's flags, and turning them into a run: the suite loaded, the probes built,
// the target and judge endpoints checked.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/client.h"
#include "redteam/behavior.h"
#include "redteam/chat_client.h"
#include "redteam/probe.h"
#include "redteam/runner.h"

namespace bastion::app {

struct RedteamFlags {
  std::string target;
  std::string model;
  std::string api_key;
  std::string suite = "builtin";
  std::string techniques = "all";
  int concurrency = 4;
  std::string judge = "refusal";
  std::string judge_api_key;
  int samples = 1;
  uint64_t seed = 0;
  int max_tokens = 512;
  double timeout_s = 120;
  std::optional<double> temperature;
  std::string ca_file;
  std::string out;
  std::string html;
  std::optional<double> fail_above;  // a fraction
  bool redact_completions = false;
  bool quiet = false;
};

// Registers the "redteam" subcommand and its flags on `app`.
CLI::App* AddRedteamFlags(CLI::App& app, RedteamFlags& flags);

struct RunSetup {
  redteam::Suite suite;
  std::vector<std::string> techniques;  // as reported ("artifact" included when used)
  std::vector<redteam::Probe> probes;
  redteam::RunOptions options;
  std::shared_ptr<http::TlsClientContext> tls;
  redteam::Endpoint target;
  std::optional<redteam::Endpoint> judge;
};

// InvalidArgument with a one-line message for anything the user must fix.
Result<RunSetup> PrepareRun(const RedteamFlags& flags);

// One probe as `bastion redteam list` prints it.
std::string ProbeJson(const redteam::Probe& probe);

}  // namespace bastion::app
