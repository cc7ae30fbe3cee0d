#pragma once
// The engine worker's seccomp filter (libseccomp). Internal to the sandbox module; the public
// entry is Confine (sandbox/confine.h), which lists what the filter denies.

#include <memory>

#include "common/status.h"

namespace bastion::sandbox {

// A built but not yet loaded filter. Move-only.
class SyscallFilter {
 public:
  // Default allow; the syscalls that reach the network, start programs or processes, reach
  // into other processes or widen the kernel's attack surface fail with EPERM (clone3 with
  // ENOSYS). Any syscall made through another architecture's ABI (i386 int 0x80, x32) kills
  // the process.
  static Result<SyscallFilter> Denylist();

  // Loads the filter into the kernel for every thread of the process (TSYNC) and sets
  // no_new_privs. Irreversible. Fails if a thread cannot be synchronised (it already has a
  // diverging filter).
  Status Load();

 private:
  struct Release {
    void operator()(void* ctx) const;
  };
  explicit SyscallFilter(void* ctx) : ctx_(ctx) {}

  std::unique_ptr<void, Release> ctx_;  // a libseccomp scmp_filter_ctx
};

}  // namespace bastion::sandbox
