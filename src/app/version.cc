// bastion version [--libraries | --sbom]: bastion's version, the libraries it runs on, or a
// CycloneDX bill of materials to match against advisories.
#include <cstdio>
#include <memory>

#include "app/commands.h"
#include "audit/event.h"
#include "common/version.h"
#include "posture/components.h"
#include "posture/sbom.h"

namespace bastion::app {
namespace {

struct VersionFlags {
  bool libraries = false;
  bool sbom = false;
};

void PrintLibraries() {
  for (const posture::Component& c : posture::LinkedComponents()) {
    std::printf("%-14s %-12s %s\n", c.name.c_str(), c.version.c_str(),
                c.runtime ? "(loaded)" : "(from headers)");
  }
}

}  // namespace

Command RegisterVersion(CLI::App& app) {
  auto flags = std::make_shared<VersionFlags>();
  CLI::App* cmd = app.add_subcommand("version", "Print bastion's version");
  cmd->add_flag("--libraries", flags->libraries,
                "Also list every library bastion runs on, with its version");
  cmd->add_flag("--sbom", flags->sbom,
                "Print a CycloneDX 1.5 JSON bill of materials (bastion and every library)");
  cmd->footer(
      "Libraries that report their version at run time show the one loaded (what the system's\n"
      "packages provide); the others the version of the headers bastion was built with.");
  return [flags] {
    if (flags->sbom) {
      const std::string bom = posture::CycloneDxJson(posture::LinkedComponents(),
                                                     audit::FormatTime(audit::UnixMillisNow()),
                                                     posture::RandomSerialNumber());
      std::printf("%s\n", bom.c_str());
      return kExitOk;
    }
    std::printf("bastion %s\n", kVersion);
    if (flags->libraries) PrintLibraries();
    return kExitOk;
  };
}

}  // namespace bastion::app
