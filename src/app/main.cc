#include <cstdio>
#include <map>
#include <string>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "bastion: self-host open-weight LLMs (DeepSeek R1 and kin) behind an OpenAI-compatible,\n"
      "secure-by-default gateway.\n\n"
      "Exit codes: 0 ok, 1 runtime failure, 2 bad flags or configuration.",
      "bastion"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  std::map<CLI::App*, bastion::app::Command> commands;
  auto add = [&](bastion::app::Command (*register_fn)(CLI::App&)) {
    size_t before = app.get_subcommands({}).size();
    bastion::app::Command command = register_fn(app);
    commands[app.get_subcommands({}).at(before)] = std::move(command);
  };
  add(&bastion::app::RegisterServe);
  add(&bastion::app::RegisterBench);
  add(&bastion::app::RegisterLogits);
  add(&bastion::app::RegisterRun);
  add(&bastion::app::RegisterScan);
  add(&bastion::app::RegisterManifest);
  add(&bastion::app::RegisterVerify);
  add(&bastion::app::RegisterLicense);
  add(&bastion::app::RegisterIntake);
  add(&bastion::app::RegisterPull);
  add(&bastion::app::RegisterTokenize);
  add(&bastion::app::RegisterVersion);
  add(&bastion::app::RegisterKeys);
  add(&bastion::app::RegisterRoutes);
  add(&bastion::app::RegisterGuard);
  add(&bastion::app::RegisterAudit);
  add(&bastion::app::RegisterRedteam);
  add(&bastion::app::RegisterWorker);
  add(&bastion::app::RegisterDoctor);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "bastion: error: %s (see bastion --help)\n", e.what());
    return bastion::app::kExitUsage;
  }
  for (auto& [sub, command] : commands) {
    if (sub->parsed()) return command();
  }
  return bastion::app::kExitUsage;
}
