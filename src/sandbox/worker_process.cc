#include "sandbox/worker_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

extern char** environ;

namespace bastion::sandbox {
namespace {

constexpr int kChildFd = 3;

Status Errno(const std::string& what) {
  return Status::IoError("starting the engine worker: " + what + ": " + strerror(errno));
}

}  // namespace

Result<WorkerProcess> SpawnWorker(const std::string& executable,
                                  const std::vector<std::string>& args) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return Errno("socketpair");
  // dup2 onto fd 3 clears close-on-exec, but not when the descriptor is already 3.
  int child = fds[1];
  if (child == kChildFd) {
    child = fcntl(fds[1], F_DUPFD_CLOEXEC, kChildFd + 1);
    close(fds[1]);
  }
  std::vector<std::string> argv_text = {executable, "worker", "--fd", std::to_string(kChildFd)};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    // Sanitizer settings (ASAN_OPTIONS, UBSAN_OPTIONS, ...) carry no secrets; nothing else passes.
    const std::string_view var(*e);
    const auto eq = var.find('=');
    if (eq != std::string_view::npos && var.substr(0, eq).ends_with("SAN_OPTIONS"))
      envp.push_back(*e);
  }
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, child, kChildFd);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(child);
  if (rc != 0) {
    close(fds[0]);
    errno = rc;
    return Errno(executable);
  }
  return WorkerProcess{pid, fds[0]};
}

std::string ReapWorker(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return std::string("could not be waited for: ") + strerror(errno);
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  return "ended";
}

}  // namespace bastion::sandbox
