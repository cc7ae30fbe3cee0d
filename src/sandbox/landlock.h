#pragma once
// Landlock (Linux >= 5.13): an unprivileged process gives up file system, network and IPC
// rights for itself and its future children. Internal to the sandbox module; the public entry
// is Confine (sandbox/confine.h).
//
// There is no libc wrapper: the syscalls are made directly, and the access-right constants
// are spelled out here because Debian 12's <linux/landlock.h> stops at ABI 2.

#include <string>
#include <vector>

#include "common/status.h"

namespace bastion::sandbox {

struct LandlockSupport {
  int abi = 0;                     // the kernel's Landlock ABI version; 0 = unavailable
  std::string unavailable_reason;  // set when abi == 0, e.g. "kernel built without Landlock"
};

// Asks the kernel which Landlock ABI it speaks. Cheap; safe from any thread.
LandlockSupport ProbeLandlock();

// A ruleset that lets its holder read only the given paths and do nothing else Landlock knows
// about (write, create, remove, rename across folders, truncate, ioctl on devices, execute,
// TCP bind/connect from ABI 4, abstract Unix sockets and signals out of the domain from ABI
// 6). Built in two steps so that a bad path is reported before anything irreversible happens.
// Move-only; owns the ruleset's file descriptor.
class LandlockRuleset {
 public:
  // Directories grant READ_FILE and READ_DIR beneath them; files grant READ_FILE. A path that
  // does not exist is NotFound, naming it. On a kernel without Landlock this succeeds with
  // abi() == 0, and RestrictSelf does nothing.
  static Result<LandlockRuleset> ReadOnly(const std::vector<std::string>& paths);

  LandlockRuleset(LandlockRuleset&& other) noexcept;
  LandlockRuleset& operator=(LandlockRuleset&& other) noexcept;
  LandlockRuleset(const LandlockRuleset&) = delete;
  LandlockRuleset& operator=(const LandlockRuleset&) = delete;
  ~LandlockRuleset();

  // Enforces the ruleset on the calling thread and the threads and processes it creates
  // afterwards; threads already running are NOT restricted (the kernel has no TSYNC for
  // Landlock before ABI 8). Irreversible.
  // REQUIRES: no_new_privs is set (or the caller has CAP_SYS_ADMIN).
  Status RestrictSelf();

  const LandlockSupport& support() const { return support_; }
  int abi() const { return support_.abi; }
  bool handles_network() const { return abi() >= 4; }  // TCP bind and connect denied
  bool scopes_ipc() const { return abi() >= 6; }       // abstract Unix sockets and signals

 private:
  explicit LandlockRuleset(LandlockSupport support) : support_(std::move(support)) {}
  void Close();

  LandlockSupport support_;
  int fd_ = -1;
};

}  // namespace bastion::sandbox
