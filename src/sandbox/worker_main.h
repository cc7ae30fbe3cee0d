#pragma once
// The engine worker (`bastion worker`, started by `bastion serve`): confines itself, loads one
// model, and serves the gateway's requests over the socketpair it inherited, until the
// gateway closes it or dies.

#include <string>

#include "engine/serving/local_runner.h"

namespace bastion::sandbox {

struct WorkerOptions {
  int fd = 3;  // the worker's end of the socketpair
  engine::LocalRunnerOptions runner;
  std::string log_level = "info";  // as the gateway's; the worker logs to the same stderr
  std::string log_format = "text";
  // Test-only: after confining itself, the worker tries this ("socket", "write" or "exec"),
  // reports on stderr what the kernel said, and exits 0 when it was stopped, 3 when not.
  std::string test_escape;
};

// Returns the process exit code: 0 when the gateway closed the channel, 1 on failure.
int RunWorker(const WorkerOptions& options);

// Whether this process is a worker that has confined itself.
bool WorkerIsConfined();

}  // namespace bastion::sandbox
