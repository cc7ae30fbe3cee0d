#include "sandbox/confine.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include "common/temp_dir.h"

extern char** environ;

namespace bastion::sandbox {
namespace {

// How a child process ended and what it wrote to its report pipe.
struct ChildReport {
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal killed it
  std::string text;
};

constexpr int kConfineFailed = 250;

// Runs `body` in a forked child and collects its report. The child writes through the fd it
// is given (a pipe, which RLIMIT_FSIZE does not limit) and exits with body's return value.
ChildReport RunInChild(const std::function<int(int report_fd)>& body) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    ::_exit(body(fds[1]));
  }
  ::close(fds[1]);
  ChildReport report;
  char buffer[512];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof(buffer))) > 0;) report.text.append(buffer, n);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) report.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) report.signal = WTERMSIG(status);
  return report;
}

void Write(int fd, const std::string& text) {
  if (::write(fd, text.data(), text.size()) < 0) ::_exit(kConfineFailed + 1);
}

// Writes "<what>: ok" or "<what>: <errno name>" for a syscall's return value.
void Report(int fd, const std::string& what, long rc) {
  Write(fd, what + ": " + (rc >= 0 ? std::string("ok") : strerrorname_np(errno)) + "\n");
}

// Forks; the child runs `prepare` (still unconfined), confines itself with `options` and
// runs `body`. A failed Confine reports its message and exits with kConfineFailed.
ChildReport RunConfined(
    const ConfineOptions& options, const std::function<int(int)>& body,
    const std::function<void()>& prepare = [] {}) {
  return RunInChild([&](int fd) {
    prepare();
    Result<Confinement> confined = Confine(options);
    if (!confined.ok()) {
      Write(fd, confined.status().ToString());
      return kConfineFailed;
    }
    return body(fd);
  });
}

std::string NoLandlockReason() {
  return "the kernel has no Landlock (ENOSYS/EOPNOTSUPP): file system confinement untested";
}

class ConfineTest : public ::testing::Test {
 protected:
  ConfineTest() : dir_("bastion-confine-") {
    dir_.Write("model.bin", "weights");
    dir_.Write("other.bin", "other");
  }
  ConfineOptions Options() const { return {{dir_.path().string()}, 64}; }
  std::string Model() const { return (dir_ / "model.bin").string(); }

  testing::TempDir dir_;
};

TEST_F(ConfineTest, NewSocketsAreDenied) {
  ChildReport report = RunConfined(Options(), [](int fd) {
    Report(fd, "socket(AF_INET)", ::socket(AF_INET, SOCK_STREAM, 0));
    Report(fd, "socket(AF_INET6)", ::socket(AF_INET6, SOCK_DGRAM, 0));
    Report(fd, "socket(AF_UNIX)", ::socket(AF_UNIX, SOCK_STREAM, 0));
    int pair[2];
    Report(fd, "socketpair", ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
    return 0;
  });
  EXPECT_EQ(report.exit_code, 0) << report.text;
  EXPECT_EQ(report.text,
            "socket(AF_INET): EPERM\nsocket(AF_INET6): EPERM\nsocket(AF_UNIX): EPERM\n"
            "socketpair: EPERM\n");
}

TEST_F(ConfineTest, SocketsOpenedBeforeCannotConnectBindListenOrAccept) {
  int tcp = -1;
  ChildReport report = RunConfined(
      Options(),
      [&](int fd) {
        sockaddr_in loopback{};
        loopback.sin_family = AF_INET;
        loopback.sin_port = htons(9);
        loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        auto* address = reinterpret_cast<sockaddr*>(&loopback);
        Report(fd, "connect", ::connect(tcp, address, sizeof(loopback)));
        loopback.sin_port = 0;
        Report(fd, "bind", ::bind(tcp, address, sizeof(loopback)));
        Report(fd, "listen", ::listen(tcp, 1));
        Report(fd, "accept4", ::accept4(tcp, nullptr, nullptr, 0));
        return 0;
      },
      [&] { tcp = ::socket(AF_INET, SOCK_STREAM, 0); });
  EXPECT_EQ(report.text, "connect: EPERM\nbind: EPERM\nlisten: EPERM\naccept4: EPERM\n");
}

TEST_F(ConfineTest, ExecAndNewProcessesAreDeniedButThreadsWork) {
  ChildReport report = RunConfined(Options(), [](int fd) {
    char* argv[] = {const_cast<char*>("true"), nullptr};
    Report(fd, "execve", ::execve("/bin/true", argv, environ));
    Report(fd, "execveat", ::syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, environ, 0));
    pid_t pid = ::fork();  // glibc: clone without CLONE_THREAD
    if (pid == 0) ::_exit(0);
    Report(fd, "fork", pid);
    pid = ::vfork();  // NOLINT(clang-analyzer-security.insecureAPI.vfork): must be denied
    if (pid == 0) ::_exit(0);
    Report(fd, "vfork", pid);
    pid_t spawned = 0;
    errno = ::posix_spawn(&spawned, "/bin/true", nullptr, nullptr, argv, environ);
    Report(fd, "posix_spawn", errno == 0 ? 0 : -1);
    clone_args args{};
    args.exit_signal = SIGCHLD;
    long rc = ::syscall(SYS_clone3, &args, sizeof(args));
    if (rc == 0) ::_exit(0);
    Report(fd, "clone3", rc);
    std::atomic<int> thread_socket_errno{-1};
    std::thread worker(
        [&] { thread_socket_errno = ::socket(AF_INET, SOCK_STREAM, 0) < 0 ? errno : 0; });
    worker.join();
    Write(fd, std::string("thread: ran, socket ") + strerrorname_np(thread_socket_errno) + "\n");
    return 0;
  });
  EXPECT_EQ(report.exit_code, 0) << report.text;
  EXPECT_EQ(report.text,
            "execve: EPERM\nexecveat: EPERM\nfork: EPERM\nvfork: EPERM\nposix_spawn: EPERM\n"
            "clone3: ENOSYS\nthread: ran, socket EPERM\n");
}

TEST_F(ConfineTest, OtherProcessesAndKernelSurfaceAreDenied) {
  ChildReport report = RunConfined(Options(), [](int fd) {
    Report(fd, "ptrace(TRACEME)", ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr));
    char byte = 0;
    iovec local{&byte, 1};
    iovec remote{&byte, 1};
    Report(fd, "process_vm_readv",
           ::syscall(SYS_process_vm_readv, ::getppid(), &local, 1, &remote, 1, 0));
    char params[120] = {};  // struct io_uring_params
    Report(fd, "io_uring_setup", ::syscall(SYS_io_uring_setup, 8, params));
    Report(fd, "unshare(NEWUSER)", ::unshare(CLONE_NEWUSER));
    Report(fd, "bpf", ::syscall(SYS_bpf, 0, nullptr, 0));
    Report(fd, "personality", ::syscall(SYS_personality, 0xffffffffUL));
    return 0;
  });
  EXPECT_EQ(report.text,
            "ptrace(TRACEME): EPERM\nprocess_vm_readv: EPERM\nio_uring_setup: EPERM\n"
            "unshare(NEWUSER): EPERM\nbpf: EPERM\npersonality: EPERM\n");
}

TEST_F(ConfineTest, JitMemoryStillWorks) {
  // PCRE2's JIT maps anonymous memory writable and executable; the engine needs it.
  ChildReport report = RunConfined(Options(), [](int fd) {
    void* page = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    Report(fd, "mmap(rwx)", page == MAP_FAILED ? -1 : 0);
    return 0;
  });
  EXPECT_EQ(report.text, "mmap(rwx): ok\n");
}

TEST_F(ConfineTest, ReadsTheModelAndNothingElse) {
  if (KernelLandlockAbi() == 0) GTEST_SKIP() << NoLandlockReason();
  ASSERT_EQ(::access("/etc/hostname", R_OK), 0) << "the test needs a readable /etc/hostname";
  ChildReport report = RunConfined(Options(), [&](int fd) {
    int model = ::open(Model().c_str(), O_RDONLY | O_CLOEXEC);
    char buffer[16] = {};
    Report(fd, "open(model)", model);
    ssize_t n = ::read(model, buffer, sizeof(buffer));
    Write(fd, "read(model): " + std::string(buffer, n > 0 ? n : 0) + "\n");
    Report(fd, "opendir(model dir)", ::open(dir_.path().c_str(), O_RDONLY | O_DIRECTORY));
    Report(fd, "open(/etc/hostname)", ::open("/etc/hostname", O_RDONLY));
    Report(fd, "open(/proc/self/status)", ::open("/proc/self/status", O_RDONLY));
    Report(fd, "opendir(/)", ::open("/", O_RDONLY | O_DIRECTORY));
    return 0;
  });
  EXPECT_EQ(report.text,
            "open(model): ok\nread(model): weights\nopendir(model dir): ok\n"
            "open(/etc/hostname): EACCES\nopen(/proc/self/status): EACCES\n"
            "opendir(/): EACCES\n");
}

TEST_F(ConfineTest, AFileAsReadOnlyPathGrantsOnlyThatFile) {
  if (KernelLandlockAbi() == 0) GTEST_SKIP() << NoLandlockReason();
  ConfineOptions options{{Model()}, 64};
  ChildReport report = RunConfined(options, [&](int fd) {
    Report(fd, "open(model)", ::open(Model().c_str(), O_RDONLY));
    Report(fd, "open(sibling)", ::open((dir_ / "other.bin").c_str(), O_RDONLY));
    return 0;
  });
  EXPECT_EQ(report.text, "open(model): ok\nopen(sibling): EACCES\n");
}

TEST_F(ConfineTest, NoFileCanBeWrittenCreatedOrRemoved) {
  if (KernelLandlockAbi() == 0) GTEST_SKIP() << NoLandlockReason();
  const std::string outside = "/tmp/bastion-confine-new-" + std::to_string(::getpid());
  ChildReport report = RunConfined(Options(), [&](int fd) {
    Report(fd, "create outside", ::open(outside.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
    Report(fd, "create inside", ::open((dir_ / "new").c_str(), O_CREAT | O_WRONLY, 0600));
    Report(fd, "open(model, O_WRONLY)", ::open(Model().c_str(), O_WRONLY));
    Report(fd, "open(model, O_RDWR)", ::open(Model().c_str(), O_RDWR));
    Report(fd, "truncate(model)", ::truncate(Model().c_str(), 0));
    Report(fd, "unlink(model)", ::unlink(Model().c_str()));
    Report(fd, "rename(model)", ::rename(Model().c_str(), (dir_ / "moved").c_str()));
    Report(fd, "mkdir inside", ::mkdir((dir_ / "sub").c_str(), 0700));
    return 0;
  });
  ::unlink(outside.c_str());
  EXPECT_EQ(report.text,
            "create outside: EACCES\ncreate inside: EACCES\nopen(model, O_WRONLY): EACCES\n"
            "open(model, O_RDWR): EACCES\ntruncate(model): EACCES\nunlink(model): EACCES\n"
            "rename(model): EACCES\nmkdir inside: EACCES\n");
}

// RLIMIT_FSIZE 0 stops writes to regular files through descriptors opened before Confine,
// which Landlock does not see; with SIGXFSZ ignored the writer gets EFBIG and lives on.
TEST_F(ConfineTest, FilesOpenedBeforeCannotBeWrittenButPipesCan) {
  int log = -1;
  ChildReport report = RunConfined(
      Options(),
      [&](int fd) {
        Report(fd, "write(file)", ::write(log, "x", 1));
        Report(fd, "pwrite(file, 0)", ::pwrite(log, "x", 1, 0));
        Report(fd, "ftruncate(grow)", ::ftruncate(log, 4096));
        Report(fd, "ftruncate(shrink)", ::ftruncate(log, 0));
        int pipe_fds[2];
        Report(fd, "pipe", ::pipe(pipe_fds));
        Report(fd, "write(pipe)", ::write(pipe_fds[1], "x", 1));
        return 0;
      },
      [&] {
        log = ::open((dir_ / "before.log").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
        if (::write(log, "old", 3) != 3) ::_exit(kConfineFailed + 2);
      });
  EXPECT_EQ(report.signal, 0) << "SIGXFSZ must not kill the worker";
  EXPECT_EQ(report.text,
            "write(file): EFBIG\npwrite(file, 0): EFBIG\nftruncate(grow): EFBIG\n"
            "ftruncate(shrink): ok\npipe: ok\nwrite(pipe): ok\n");
}

TEST_F(ConfineTest, LimitsAndNoNewPrivsAreSet) {
  ChildReport report = RunConfined({{dir_.path().string()}, 16}, [](int fd) {
    rlimit core{}, fsize{}, nofile{};
    ::getrlimit(RLIMIT_CORE, &core);
    ::getrlimit(RLIMIT_FSIZE, &fsize);
    ::getrlimit(RLIMIT_NOFILE, &nofile);
    Write(fd, "core " + std::to_string(core.rlim_max) + ", fsize " +
                  std::to_string(fsize.rlim_max) + ", nofile " + std::to_string(nofile.rlim_cur) +
                  "/" + std::to_string(nofile.rlim_max) + ", no_new_privs " +
                  std::to_string(::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)) + "\n");
    long rc = 0;
    for (int i = 0; i < 32 && rc >= 0; ++i) rc = ::dup(fd);
    Report(fd, "dup past the limit", rc);
    return 0;
  });
  EXPECT_EQ(report.text,
            "core 0, fsize 0, nofile 16/16, no_new_privs 1\ndup past the limit: EMFILE\n");
}

TEST_F(ConfineTest, SignalsOutsideTheSandboxAreScoped) {
  if (KernelLandlockAbi() < 6) GTEST_SKIP() << "Landlock scoping needs ABI 6";
  ChildReport report = RunConfined(Options(), [](int fd) {
    Report(fd, "kill(parent, 0)", ::kill(::getppid(), 0));
    Report(fd, "kill(self, 0)", ::kill(::getpid(), 0));
    return 0;
  });
  EXPECT_EQ(report.text, "kill(parent, 0): EPERM\nkill(self, 0): ok\n");
}

#if defined(__x86_64__)
// A syscall through the i386 ABI (int 0x80): number 359 is i386's socket.
long I386Socket() {
  long rc;
  asm volatile("int $0x80"
               : "=a"(rc)
               : "a"(359L), "b"(long{AF_INET}), "c"(long{SOCK_STREAM}), "d"(0L)
               : "memory", "r8", "r9", "r10", "r11");
  return rc;
}

TEST_F(ConfineTest, I386SyscallsKillTheProcess) {
  ChildReport probe = RunInChild([](int) { return I386Socket() >= 0 ? 0 : 1; });
  if (probe.exit_code != 0) GTEST_SKIP() << "the kernel runs no i386 syscalls (no IA32 emulation)";
  ChildReport report = RunConfined(Options(), [](int fd) {
    Report(fd, "i386 socket", I386Socket());
    return 0;
  });
  EXPECT_EQ(report.signal, SIGSYS) << report.text;
  EXPECT_EQ(report.text, "");
}

// x32 numbers carry bit 30 and enter through the x86-64 ABI, so the architecture check alone
// misses them; libseccomp's x86-64 filter kills them (a kernel without x32 support would
// only return ENOSYS, so SIGSYS shows the filter at work).
TEST_F(ConfineTest, X32SyscallsKillTheProcess) {
  constexpr long kX32SyscallBit = 0x40000000;
  ChildReport report = RunConfined(Options(), [&](int fd) {
    Report(fd, "x32 socket", ::syscall(kX32SyscallBit | SYS_socket, AF_INET, SOCK_STREAM, 0));
    return 0;
  });
  EXPECT_EQ(report.signal, SIGSYS) << report.text;
}
#endif

TEST_F(ConfineTest, RefusesAMultiThreadedProcess) {
  ChildReport report = RunInChild([&](int fd) {
    std::thread([] {
      for (;;) ::pause();
    }).detach();
    Result<Confinement> confined = Confine(Options());
    Write(fd, confined.ok() ? "confined" : confined.status().ToString());
    return 0;
  });
  EXPECT_EQ(report.text.rfind("failed precondition: Confine must run before the process starts "
                              "threads (2 running)",
                              0),
            0u)
      << report.text;
}

TEST_F(ConfineTest, AMissingPathIsNamedAndNothingIsApplied) {
  const std::string missing = (dir_ / "no-such-model").string();
  ChildReport report = RunInChild([&](int fd) {
    Result<Confinement> confined = Confine({{dir_.path().string(), missing}, 64});
    Write(fd, confined.ok() ? "confined\n" : confined.status().ToString() + "\n");
    Report(fd, "socket afterwards", ::socket(AF_INET, SOCK_STREAM, 0));
    Write(fd, "no_new_privs " + std::to_string(::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)) + "\n");
    return 0;
  });
  EXPECT_EQ(report.text.rfind("not found: read-only path '" + missing + "' does not exist", 0), 0u)
      << report.text;
  EXPECT_NE(report.text.find("socket afterwards: ok\nno_new_privs 0\n"), std::string::npos)
      << report.text;
}

TEST_F(ConfineTest, DescribeSaysWhatWasApplied) {
  ChildReport report = RunInChild([&](int fd) {
    Result<Confinement> confined = Confine(Options());
    Write(fd, confined.ok() ? confined->Describe() : confined.status().ToString());
    return 0;
  });
  const int abi = KernelLandlockAbi();
  std::string landlock = "landlock ABI " + std::to_string(abi) +
                         " (read-only: " + dir_.path().string() + (abi >= 4 ? "; tcp denied" : "") +
                         (abi >= 6 ? "; ipc scoped" : "") + ")";
  if (abi == 0) landlock = "landlock unavailable (";
  EXPECT_EQ(report.text.rfind("seccomp, " + landlock, 0), 0u) << report.text;
  EXPECT_NE(report.text.find("), no_new_privs, rlimits (nofile 64, fsize 0, core 0)"),
            std::string::npos)
      << report.text;
}

TEST(ConfinementTest, DescribeWithoutLandlockSaysWhy) {
  Confinement applied;
  applied.seccomp = true;
  applied.no_new_privs = true;
  applied.rlimits = true;
  applied.max_open_files = 256;
  applied.landlock_unavailable = "kernel built without Landlock (ENOSYS)";
  EXPECT_EQ(applied.Describe(),
            "seccomp, landlock unavailable (kernel built without Landlock (ENOSYS)), "
            "no_new_privs, rlimits (nofile 256, fsize 0, core 0)");
}

}  // namespace
}  // namespace bastion::sandbox
