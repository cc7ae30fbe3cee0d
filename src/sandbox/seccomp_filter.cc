#include "sandbox/seccomp_filter.h"

#include <sched.h>
#include <seccomp.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace bastion::sandbox {
namespace {

// Why a denylist and not a default-deny allowlist: the worker runs the engine with glibc,
// libstdc++, PCRE2's JIT and maybe tcmalloc, and the exact syscalls they make change with
// their versions (clone3, rseq, futex_waitv, statx and getrandom all arrived in minor
// updates). An allowlist that misses one kills or breaks the worker in production after an
// `apt upgrade`; this list only names syscalls the engine has no reason to make. Hardening
// planned once the worker has run under an audit-logging filter on the supported platforms:
// an allowlist of read, write, pread64, readv, writev, recvmsg, sendmsg, recvfrom, sendto,
// close, fstat, newfstatat, lseek, mmap, munmap, mprotect, mremap, madvise, brk, futex,
// clone (CLONE_THREAD only), set_robust_list, rseq, rt_sigaction, rt_sigprocmask,
// rt_sigreturn, sigaltstack, sched_getaffinity, sched_yield, clock_gettime, clock_nanosleep,
// nanosleep, gettid, getpid, getrandom, poll, ppoll, epoll_*, exit, exit_group.
struct DeniedSyscall {
  int nr;
  int error;
};
constexpr DeniedSyscall kDenied[] = {
    // No network: no new socket, and no pre-opened socket aimed somewhere else.
    {SCMP_SYS(socket), EPERM},
    {SCMP_SYS(socketpair), EPERM},
    {SCMP_SYS(connect), EPERM},
    {SCMP_SYS(bind), EPERM},
    {SCMP_SYS(listen), EPERM},
    {SCMP_SYS(accept), EPERM},
    {SCMP_SYS(accept4), EPERM},
    // No programs and no processes (clone is handled apart: threads stay allowed).
    {SCMP_SYS(execve), EPERM},
    {SCMP_SYS(execveat), EPERM},
    {SCMP_SYS(fork), EPERM},
    {SCMP_SYS(vfork), EPERM},
    // clone3 passes its flags in memory, which a filter cannot read: make glibc fall back to
    // clone, whose flags the filter can check.
    {SCMP_SYS(clone3), ENOSYS},
    // No reaching into other processes.
    {SCMP_SYS(ptrace), EPERM},
    {SCMP_SYS(process_vm_readv), EPERM},
    {SCMP_SYS(process_vm_writev), EPERM},
    {SCMP_SYS(process_madvise), EPERM},
    {SCMP_SYS(pidfd_getfd), EPERM},
    // No new namespaces, mounts or roots (old and new mount APIs).
    {SCMP_SYS(unshare), EPERM},
    {SCMP_SYS(setns), EPERM},
    {SCMP_SYS(mount), EPERM},
    {SCMP_SYS(umount2), EPERM},
    {SCMP_SYS(pivot_root), EPERM},
    {SCMP_SYS(chroot), EPERM},
    {SCMP_SYS(fsopen), EPERM},
    {SCMP_SYS(fsconfig), EPERM},
    {SCMP_SYS(fsmount), EPERM},
    {SCMP_SYS(fspick), EPERM},
    {SCMP_SYS(move_mount), EPERM},
    {SCMP_SYS(open_tree), EPERM},
    {SCMP_SYS(mount_setattr), EPERM},
    // Kernel attack surface the engine never needs. io_uring runs its operations in kernel
    // workers that seccomp never sees, so it would bypass everything above.
    {SCMP_SYS(io_uring_setup), EPERM},
    {SCMP_SYS(io_uring_enter), EPERM},
    {SCMP_SYS(io_uring_register), EPERM},
    {SCMP_SYS(bpf), EPERM},
    {SCMP_SYS(perf_event_open), EPERM},
    {SCMP_SYS(userfaultfd), EPERM},
    {SCMP_SYS(keyctl), EPERM},
    {SCMP_SYS(add_key), EPERM},
    {SCMP_SYS(request_key), EPERM},
    {SCMP_SYS(personality), EPERM},
    // Whole-machine operations, in case the worker runs as root in a container.
    {SCMP_SYS(kexec_load), EPERM},
    {SCMP_SYS(kexec_file_load), EPERM},
    {SCMP_SYS(init_module), EPERM},
    {SCMP_SYS(finit_module), EPERM},
    {SCMP_SYS(delete_module), EPERM},
    {SCMP_SYS(reboot), EPERM},
    {SCMP_SYS(swapon), EPERM},
    {SCMP_SYS(swapoff), EPERM},
    {SCMP_SYS(acct), EPERM},
    {SCMP_SYS(iopl), EPERM},
    {SCMP_SYS(ioperm), EPERM},
};

Status Failed(const std::string& what, int rc) {
  return Status::Internal("seccomp: " + what + " failed: " + std::strerror(-rc));
}

Status AddRules(scmp_filter_ctx ctx) {
  for (const DeniedSyscall& denied : kDenied) {
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(denied.error), denied.nr, 0);
    if (rc != 0) {
      char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, denied.nr);
      std::string text = name != nullptr ? name : std::to_string(denied.nr);
      std::free(name);  // libseccomp allocates it with malloc
      return Failed("rule for " + text, rc);
    }
  }
  // A new process is a clone without CLONE_THREAD (glibc's fork and posix_spawn use clone);
  // a thread has it. On x86-64 and arm64 the flags are the first argument.
  int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                            SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
  if (rc != 0) return Failed("rule for clone", rc);
  return Status::Ok();
}

}  // namespace

void SyscallFilter::Release::operator()(void* ctx) const { seccomp_release(ctx); }

Result<SyscallFilter> SyscallFilter::Denylist() {
  scmp_filter_ctx raw = seccomp_init(SCMP_ACT_ALLOW);
  if (raw == nullptr) return Status::Internal("seccomp: seccomp_init failed");
  SyscallFilter filter(raw);
  // seccomp_init adds only the native architecture; a syscall entering through another ABI
  // (i386's int 0x80, or an x32 number on x86-64, which libseccomp checks for as part of the
  // x86-64 architecture) takes the bad-architecture action. Kill the whole process rather
  // than one thread, so a half-dead worker cannot linger.
  if (int rc = seccomp_attr_set(raw, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc != 0) {
    return Failed("setting the bad-architecture action", rc);
  }
  // Threads that already run get the filter too.
  if (int rc = seccomp_attr_set(raw, SCMP_FLTATR_CTL_TSYNC, 1); rc != 0) {
    return Failed("enabling thread synchronisation", rc);
  }
  if (Status status = AddRules(raw); !status.ok()) return status;
  return filter;
}

Status SyscallFilter::Load() {
  if (!ctx_) return Status::FailedPrecondition("seccomp filter already loaded or moved");
  int rc = seccomp_load(ctx_.get());
  if (rc != 0) return Failed("loading the filter", rc);
  return Status::Ok();
}

}  // namespace bastion::sandbox
