// bastion worker: one model's engine in a confined process. `bastion serve` starts it (one
// per model, unless [engine] isolation = "none"); it is not meant to be run by hand.
#include <memory>

#include "app/commands.h"
#include "sandbox/worker_main.h"

namespace bastion::app {

Command RegisterWorker(CLI::App& app) {
  auto options = std::make_shared<sandbox::WorkerOptions>();
  auto quantize = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "worker", "Run one model's engine in a sandbox (started by `bastion serve`, not by hand)");
  cmd->add_option("--fd", options->fd, "Its end of the socketpair to the gateway")->required();
  cmd->add_option("--model-path", options->runner.path, "GGUF file or Hugging Face folder")
      ->required();
  cmd->add_option("--quantize", *quantize, "q8_0: convert F16/BF16 weights at load")
      ->check(CLI::IsMember({"", "q8_0"}));
  cmd->add_option("--threads", options->runner.threads, "Engine threads; 0: one per core");
  cmd->add_option("--context", options->runner.scheduler.context, "Most tokens per request");
  cmd->add_option("--parallel", options->runner.scheduler.parallel, "Requests per batch")
      ->check(CLI::Range(1, 32));
  cmd->add_option("--max-queue", options->runner.scheduler.max_queue, "Waiting requests");
  cmd->add_option("--log-level", options->log_level, "trace|debug|info|warn|error|off");
  cmd->add_option("--log-format", options->log_format, "text|json");
  cmd->add_option("--test-escape", options->test_escape,
                  "Tests only: after confinement, try socket, write or exec; exit 0 if the "
                  "kernel stopped it, 3 if not")
      ->check(CLI::IsMember({"socket", "write", "exec"}));
  cmd->footer(
      "The worker confines itself before it reads the model: no_new_privs, a seccomp filter\n"
      "(no new sockets, connect, bind, exec or ptrace), Landlock (read-only access to the\n"
      "model and nothing else), resource limits. It gets an empty environment and no file\n"
      "descriptors but its channel. See docs/threat-model.md.");
  return [options, quantize] {
    options->runner.quantize_q8_0 = *quantize == "q8_0";
    return sandbox::RunWorker(*options);
  };
}

}  // namespace bastion::app
