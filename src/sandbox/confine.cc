#include "sandbox/confine.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <optional>

#include "sandbox/landlock.h"
#include "sandbox/seccomp_filter.h"

namespace bastion::sandbox {
namespace {

// The number of threads in this process, or nullopt when /proc is not mounted (the check is
// then skipped: the REQUIRES on Confine still holds).
std::optional<size_t> CountThreads() {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/task", ec);
  if (ec) return std::nullopt;
  size_t count = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return std::nullopt;
    ++count;
  }
  return count;
}

Status CheckSingleThreaded() {
  std::optional<size_t> threads = CountThreads();
  if (threads && *threads > 1) {
    return Status::FailedPrecondition("Confine must run before the process starts threads (" +
                                      std::to_string(*threads) +
                                      " running): Landlock would restrict only the calling one");
  }
  return Status::Ok();
}

// Sets both the soft and the hard limit; an unprivileged process can never raise them again.
Status SetHardLimit(int resource, rlim_t value, const char* name) {
  rlimit limit{value, value};
  if (::setrlimit(resource, &limit) != 0) {
    return Status::Internal(std::string("setrlimit(") + name + ") failed: " + std::strerror(errno));
  }
  return Status::Ok();
}

// RLIMIT_FSIZE 0 makes every write to a regular file fail, also through descriptors opened
// before; the kernel then sends SIGXFSZ, whose default action kills the process with a core
// dump. Ignored, the write returns EFBIG instead, which the engine can report.
Status LimitResources(uint64_t max_open_files, Confinement& applied) {
  rlimit current{};
  if (::getrlimit(RLIMIT_NOFILE, &current) != 0) {
    return Status::Internal(std::string("getrlimit(RLIMIT_NOFILE) failed: ") +
                            std::strerror(errno));
  }
  const rlim_t nofile = std::min<rlim_t>(max_open_files, current.rlim_max);
  if (std::signal(SIGXFSZ, SIG_IGN) == SIG_ERR) {
    return Status::Internal("cannot ignore SIGXFSZ");
  }
  if (Status status = SetHardLimit(RLIMIT_CORE, 0, "RLIMIT_CORE"); !status.ok()) return status;
  if (Status status = SetHardLimit(RLIMIT_FSIZE, 0, "RLIMIT_FSIZE"); !status.ok()) return status;
  if (Status status = SetHardLimit(RLIMIT_NOFILE, nofile, "RLIMIT_NOFILE"); !status.ok()) {
    return status;
  }
  applied.rlimits = true;
  applied.max_open_files = nofile;
  return Status::Ok();
}

}  // namespace

Result<Confinement> Confine(const ConfineOptions& options) {
  // Everything that can fail for a reason the caller can fix comes first, while the process
  // is still unconfined.
  if (options.max_open_files == 0) {
    return Status::InvalidArgument("max_open_files must be at least 1");
  }
  if (Status status = CheckSingleThreaded(); !status.ok()) return status;
  Result<LandlockRuleset> ruleset = LandlockRuleset::ReadOnly(options.read_only_paths);
  if (!ruleset.ok()) return ruleset.status();
  Result<SyscallFilter> filter = SyscallFilter::Denylist();
  if (!filter.ok()) return filter.status();

  Confinement applied;
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return Status::Internal(std::string("prctl(PR_SET_NO_NEW_PRIVS) failed: ") +
                            std::strerror(errno));
  }
  applied.no_new_privs = true;
  if (Status status = LimitResources(options.max_open_files, applied); !status.ok()) {
    return status;
  }
  if (Status status = ruleset->RestrictSelf(); !status.ok()) return status;
  applied.landlock_abi = ruleset->abi();
  applied.landlock_network = ruleset->handles_network();
  applied.landlock_scoped = ruleset->scopes_ipc();
  applied.landlock_unavailable = ruleset->support().unavailable_reason;
  if (ruleset->abi() > 0) applied.read_only_paths = options.read_only_paths;
  if (Status status = filter->Load(); !status.ok()) return status;
  applied.seccomp = true;
  return applied;
}

int KernelLandlockAbi() { return ProbeLandlock().abi; }

std::string Confinement::Describe() const {
  std::vector<std::string> parts;
  if (seccomp) parts.emplace_back("seccomp");
  if (landlock_abi > 0) {
    std::string paths;
    for (const std::string& path : read_only_paths) {
      paths += (paths.empty() ? "" : ", ") + path;
    }
    std::string text = "landlock ABI " + std::to_string(landlock_abi) +
                       " (read-only: " + (paths.empty() ? "nothing" : paths);
    if (landlock_network) text += "; tcp denied";
    if (landlock_scoped) text += "; ipc scoped";
    parts.push_back(text + ")");
  } else {
    parts.push_back("landlock unavailable (" +
                    (landlock_unavailable.empty() ? "not applied" : landlock_unavailable) + ")");
  }
  if (no_new_privs) parts.emplace_back("no_new_privs");
  if (rlimits) {
    parts.push_back("rlimits (nofile " + std::to_string(max_open_files) + ", fsize 0, core 0)");
  }
  std::string line;
  for (const std::string& part : parts) line += (line.empty() ? "" : ", ") + part;
  return line;
}

}  // namespace bastion::sandbox
