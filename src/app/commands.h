#pragma once
// Subcommands, one file each. Each registers its flags on the CLI and returns the function
// that runs it; the function returns the process exit code.

#include <CLI/CLI.hpp>

#include <functional>

namespace bastion::app {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // runtime failure (e.g. the port is taken)
inline constexpr int kExitUsage = 2;    // bad flags or configuration

using Command = std::function<int()>;

Command RegisterServe(CLI::App& app);
Command RegisterBench(CLI::App& app);
Command RegisterLogits(CLI::App& app);
Command RegisterRun(CLI::App& app);
Command RegisterScan(CLI::App& app);
Command RegisterManifest(CLI::App& app);
Command RegisterVerify(CLI::App& app);
Command RegisterLicense(CLI::App& app);
Command RegisterIntake(CLI::App& app);
Command RegisterPull(CLI::App& app);
Command RegisterTokenize(CLI::App& app);
Command RegisterVersion(CLI::App& app);
Command RegisterKeys(CLI::App& app);
Command RegisterRoutes(CLI::App& app);
Command RegisterGuard(CLI::App& app);
Command RegisterAudit(CLI::App& app);
Command RegisterRedteam(CLI::App& app);
Command RegisterWorker(CLI::App& app);
Command RegisterDoctor(CLI::App& app);

}  // namespace bastion::app
