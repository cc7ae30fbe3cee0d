#pragma once
// Starting and reaping an engine worker process.

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace bastion::sandbox {

struct WorkerProcess {
  pid_t pid = -1;
  int fd = -1;  // the gateway's end of the socketpair; the caller closes it
};

// Starts `executable worker --fd 3 args...` with its end of a new socketpair as fd 3, stdin
// from /dev/null, stdout and stderr shared, and an empty environment (but for sanitizer
// options): the gateway's environment holds credentials (upstream keys, database URLs) that
// the worker must not see.
// `executable` is normally /proc/self/exe, which stays this binary even if its file is
// replaced during an upgrade.
Result<WorkerProcess> SpawnWorker(const std::string& executable,
                                  const std::vector<std::string>& args);

// Waits for `pid` to end and says how it did: "exited with status 1", "killed by signal 11
// (Segmentation fault)".
std::string ReapWorker(pid_t pid);

}  // namespace bastion::sandbox
