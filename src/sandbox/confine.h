#pragma once
// Confine: the engine worker gives up, for good, every right it does not need to turn a
// prompt into tokens. After it, the kernel (not bastion's own code) stops the worker from
// reaching the network, starting a program or a process, writing or creating any file, or
// reading any file but the model, even if a malicious model file or an engine bug runs code
// in it.
//
// What is applied, in this order:
//   1. no_new_privs (prctl): no set-user-ID or file-capability gains; required by 3 and 4.
//   2. rlimits, soft and hard: RLIMIT_CORE 0 (no core dump holding prompts),
//      RLIMIT_FSIZE 0 (no regular file can be written or grown, not even through a file
//      descriptor opened before Confine: write gives EFBIG, since SIGXFSZ is set to
//      ignored), RLIMIT_NOFILE max_open_files (open gives EMFILE beyond it).
//   3. Landlock, when the kernel has it: beneath each read_only_path only reading files and
//      listing directories is allowed; everything else Landlock's ABI can deny is denied
//      everywhere (EACCES): writing, creating, removing, renaming, truncating, executing,
//      device ioctls (ABI 5); TCP bind and connect (ABI 4); abstract Unix sockets and
//      signals to processes outside the sandbox (ABI 6, EPERM).
//   4. seccomp, last (it denies the syscalls the steps above make): see SyscallFilter. EPERM
//      for socket, socketpair, connect, bind, listen, accept, accept4, execve, execveat,
//      fork, vfork, clone without CLONE_THREAD (threads still work), ptrace,
//      process_vm_readv/writev, process_madvise, pidfd_getfd, unshare, setns, mount and the
//      new mount API, umount2, pivot_root, chroot, io_uring_*, bpf, perf_event_open,
//      userfaultfd, keyctl, add_key, request_key, personality, kexec_*, *_module, reboot,
//      swapon/off, acct, iopl, ioperm; ENOSYS for clone3 (glibc then falls back to clone);
//      any syscall through a foreign ABI (i386 int 0x80, x32) kills the process (SIGSYS).
//
// Descriptors opened before Confine keep working for what they were opened for (Landlock
// and seccomp check at open and socket time), except that regular files cannot be written
// (RLIMIT_FSIZE). Pipes and sockets are not files: an inherited socketpair still carries
// requests and tokens.
//
// Threads: call Confine while the process has a single thread, before the engine starts its
// threads. Landlock restricts only the calling thread and its future children (kernels
// before Landlock ABI 8 cannot synchronise it across threads), so Confine refuses with
// FailedPrecondition when /proc/self/task shows more than one thread. The seccomp filter is
// loaded with TSYNC all the same.
//
// What the worker must do before Confine, because afterwards only the read-only paths can be
// opened: load everything it reads from disk besides the model (time zone, locale data,
// dlopen'ed libraries, /proc and /sys files), and point stderr and logs at a pipe or socket,
// never a regular file (RLIMIT_FSIZE would make every write fail).

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace bastion::sandbox {

struct ConfineOptions {
  // Files or directories readable afterwards (the model); nothing else is.
  std::vector<std::string> read_only_paths;
  // RLIMIT_NOFILE; lowered to the current hard limit if that is smaller. Must be > 0.
  uint64_t max_open_files = 256;
};

// What was actually applied, for logs and `bastion doctor`.
struct Confinement {
  bool no_new_privs = false;
  bool rlimits = false;              // core 0, file size 0, open files max_open_files
  uint64_t max_open_files = 0;       // the RLIMIT_NOFILE applied
  int landlock_abi = 0;              // 0 = the kernel has no Landlock; see landlock_unavailable
  bool landlock_network = false;     // TCP bind and connect denied by Landlock (ABI >= 4)
  bool landlock_scoped = false;      // abstract Unix sockets and signals scoped (ABI >= 6)
  std::string landlock_unavailable;  // why, when landlock_abi == 0
  std::vector<std::string> read_only_paths;
  bool seccomp = false;

  // One line, e.g. "seccomp, landlock ABI 7 (read-only: /models/x; tcp denied; ipc scoped),
  // no_new_privs, rlimits (nofile 256, fsize 0, core 0)".
  std::string Describe() const;
};

// Irreversibly confines the calling process (see the top of this file).
// Errors found before anything is applied (a read_only_path that does not exist, more than
// one thread, max_open_files == 0, libseccomp failing to build the filter) leave the process
// as it was. An error after that (the kernel refusing a step) leaves it partly confined: the
// caller must then exit rather than run unconfined. A kernel without Landlock is not an
// error: the result says so (landlock_abi == 0) and the caller decides.
// REQUIRES: the process has a single thread.
Result<Confinement> Confine(const ConfineOptions& options);

// The kernel's Landlock ABI version (0 = unavailable), for `bastion doctor` and tests.
int KernelLandlockAbi();

}  // namespace bastion::sandbox
