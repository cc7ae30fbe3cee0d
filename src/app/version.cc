#include <cstdio>

#include "app/commands.h"
#include "common/version.h"

namespace bastion::app {

Command RegisterVersion(CLI::App& app) {
  app.add_subcommand("version", "Print bastion's version");
  return [] {
    std::printf("bastion %s\n", kVersion);
    return kExitOk;
  };
}

}  // namespace bastion::app
