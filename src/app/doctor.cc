// bastion doctor [--config FILE] [--url URL] [--json]: the deployment checklist (docs/doctor.md).
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "app/commands.h"
#include "audit/event.h"
#include "common/config.h"
#include "posture/checklist_render.h"
#include "posture/doctor.h"

namespace bastion::app {
namespace {

struct DoctorFlags {
  std::string config_file;
  std::string url;
  std::string ca_file;
  int timeout_s = 10;
  bool json = false;
};

int Usage(const std::string& message) {
  std::fprintf(stderr, "bastion doctor: %s\n", message.c_str());
  return kExitUsage;
}

// Without --config, the defaults `bastion serve` runs with when given no file.
Result<Config> LoadConfig(const DoctorFlags& flags) {
  if (flags.config_file.empty()) return Config{};
  return LoadConfigFile(flags.config_file);
}

Status Probe(const DoctorFlags& flags, const Url& url, posture::Checklist& out) {
  const Millis timeout(static_cast<int64_t>(flags.timeout_s) * 1000);
  auto transport = posture::NewHttpProbeTransport(url, flags.ca_file, timeout);
  if (!transport.ok()) return transport.status();
  std::unique_ptr<posture::TlsProber> tls;
  if (url.scheme == "https") tls = posture::NewOpenSslTlsProber(url, flags.ca_file, timeout);
  posture::ProbeServer(url, **transport, tls.get(), audit::UnixMillisNow(), out);
  return Status::Ok();
}

int Run(const DoctorFlags& flags) {
  // A server that closes mid-handshake must not kill doctor with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  std::optional<Url> url;
  if (!flags.url.empty()) {
    auto parsed = ParseUrl(flags.url);
    if (!parsed.ok()) return Usage("--url: " + parsed.status().message());
    url = std::move(*parsed);
  }
  posture::Checklist checklist;
  if (!url || !flags.config_file.empty()) {
    auto config = LoadConfig(flags);
    if (!config.ok()) return Usage(config.status().message());
    checklist = posture::CheckConfig(*config, *posture::NewRealPostureEnv());
  }
  if (url) {
    if (Status st = Probe(flags, *url, checklist); !st.ok()) return Usage(st.message());
  }
  const std::string text =
      flags.json ? posture::ChecklistJson(checklist) + "\n" : posture::ChecklistText(checklist);
  std::fputs(text.c_str(), stdout);
  return checklist.AnyFailed() ? kExitFailure : kExitOk;
}

}  // namespace

Command RegisterDoctor(CLI::App& app) {
  auto flags = std::make_shared<DoctorFlags>();
  CLI::App* cmd = app.add_subcommand(
      "doctor", "Check a deployment against the security checklist (docs/doctor.md)");
  cmd->add_option("--config", flags->config_file,
                  "The config file serve runs with; without it (and without --url), serve's "
                  "defaults are checked");
  cmd->add_option("--url", flags->url,
                  "Also probe the running server at this URL from outside, without credentials "
                  "(alone: only the probes)");
  cmd->add_option("--ca-file", flags->ca_file,
                  "CA bundle that should vouch for an https --url's certificate (default: the "
                  "system's)");
  cmd->add_option("--timeout", flags->timeout_s, "Seconds for each probe's connect and answer")
      ->check(CLI::Range(1, 300));
  cmd->add_flag("--json", flags->json,
                "Print {\"items\":[{\"id\",\"status\",\"detail\",\"fix\"}],\"summary\":{...}}");
  cmd->footer(
      "Exit codes: 0 nothing failed (warnings allowed), 1 an item failed, 2 bad flags or a config\n"
      "file that cannot be read or parsed.");
  return [flags] { return Run(*flags); };
}

}  // namespace bastion::app
