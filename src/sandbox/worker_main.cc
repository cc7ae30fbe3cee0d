#include "sandbox/worker_main.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/log.h"
#include "sandbox/confine.h"
#include "sandbox/frame_io.h"
#include "sandbox/worker_protocol.h"
#include "sandbox/worker_session.h"

namespace bastion::sandbox {
namespace {

namespace fs = std::filesystem;

bool confined = false;  // set once this process confined itself

// The model's path, and where its symlinks lead (a Hugging Face cache's snapshot folder
// links into blobs/): all the worker may read.
std::vector<std::string> ModelReadPaths(const std::string& path) {
  std::vector<std::string> paths = {path};
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    if (fs::is_symlink(path, ec)) paths.push_back(fs::canonical(path, ec).string());
    return paths;
  }
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (!entry.is_symlink(ec)) continue;
    fs::path target = fs::canonical(entry.path(), ec);
    if (!ec) paths.push_back(target.string());
  }
  return paths;
}

// Leaves only stdin, stdout, stderr and the channel open: nothing of the gateway's (its
// listening socket, its databases) reaches the worker.
Status CloseInheritedFiles(int channel) {
  if (channel <= 2) return Status::InvalidArgument("the worker channel cannot be fd 0-2");
  if (channel > 3 && syscall(SYS_close_range, 3, channel - 1, 0) != 0) {
    return Status::IoError(std::string("close_range: ") + strerror(errno));
  }
  if (syscall(SYS_close_range, channel + 1, ~0U, 0) != 0) {
    return Status::IoError(std::string("close_range: ") + strerror(errno));
  }
  return Status::Ok();
}

// The test hook: what happened when the confined worker tried `action`.
int TryToEscape(const std::string& action, const std::string& model_path) {
  int rc = -1;
  std::string what;
  if (action == "socket") {
    what = "socket(AF_INET, SOCK_STREAM)";
    rc = socket(AF_INET, SOCK_STREAM, 0);
  } else if (action == "write") {
    const fs::path dir =
        fs::is_directory(model_path) ? fs::path(model_path) : fs::path(model_path).parent_path();
    const std::string target = (dir / "escape-test").string();
    what = "open(" + target + ", O_CREAT|O_WRONLY)";
    rc = open(target.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  } else if (action == "exec") {
    what = "execve(/bin/sh)";
    char* const argv[] = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"),
                          const_cast<char*>("true"), nullptr};
    char* const envp[] = {nullptr};
    rc = execve("/bin/sh", argv, envp);
  } else {
    std::fprintf(stderr, "bastion worker: unknown --test-escape action '%s'\n", action.c_str());
    return 2;
  }
  if (rc >= 0) {
    std::fprintf(stderr, "test-escape %s: ALLOWED: %s succeeded\n", action.c_str(), what.c_str());
    return 3;
  }
  std::fprintf(stderr, "test-escape %s: blocked: %s failed: %s\n", action.c_str(), what.c_str(),
               strerror(errno));
  return 0;
}

HelloMessage Hello(const engine::LocalRunner& runner, const Confinement& confinement) {
  HelloMessage hello{runner.info(), confinement.Describe(), {}};
  hello.token_texts.reserve(runner.info().vocab_size);
  for (size_t id = 0; id < runner.info().vocab_size; ++id) {
    hello.token_texts.push_back(runner.TokenText(static_cast<engine::TokenId>(id)));
  }
  return hello;
}

int Fail(int fd, const std::string& error) {
  spdlog::error("engine worker: {}", error);
  (void)WriteAll(fd, EncodeFrame(LoadFailedMessage{error}));
  return 1;
}

}  // namespace

int RunWorker(const WorkerOptions& options) {
  const int fd = options.fd;
  // Never outlive the gateway. (Had it died before this line, the channel's end tells.)
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  signal(SIGPIPE, SIG_IGN);
  if (Status st = CloseInheritedFiles(fd); !st.ok()) return Fail(fd, st.message());
  ConfineOptions confine;
  confine.read_only_paths = ModelReadPaths(options.runner.path);
  auto confinement = Confine(confine);
  confined = true;
  // Threads started from here on (the log flusher, the engine's) inherit the confinement.
  InitLogging(options.log_level, options.log_format);
  if (!confinement.ok()) {
    return Fail(fd, "cannot confine the worker: " + confinement.status().message());
  }
  if (!options.test_escape.empty()) return TryToEscape(options.test_escape, options.runner.path);
  auto runner = engine::LocalRunner::Create(options.runner);
  if (!runner.ok()) return Fail(fd, runner.status().message());
  if (Status st = WriteAll(fd, EncodeFrame(Hello(**runner, *confinement))); !st.ok()) return 1;
  WorkerSession session(**runner, fd);
  if (Status st = session.Serve(); !st.ok()) {
    spdlog::error("engine worker: {}", st.message());
    return 1;
  }
  return 0;
}

bool WorkerIsConfined() { return confined; }

}  // namespace bastion::sandbox

// Sanitizer builds: LeakSanitizer's exit-time check stops the world with clone and ptrace,
// which the worker's seccomp filter refuses; a confined worker skips it.
extern "C" int __lsan_is_turned_off() { return bastion::sandbox::WorkerIsConfined() ? 1 : 0; }
