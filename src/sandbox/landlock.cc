#include "sandbox/landlock.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

namespace bastion::sandbox {
namespace {

// Access rights from the kernel's UAPI (include/uapi/linux/landlock.h), with the ABI that
// introduced each. Values are fixed by the kernel ABI.
constexpr uint64_t kFsExecute = 1ULL << 0;
constexpr uint64_t kFsWriteFile = 1ULL << 1;
constexpr uint64_t kFsReadFile = 1ULL << 2;
constexpr uint64_t kFsReadDir = 1ULL << 3;
constexpr uint64_t kFsAbi1 = (1ULL << 13) - 1;            // execute ... make_sym: bits 0 to 12
constexpr uint64_t kFsRefer = 1ULL << 13;                 // ABI 2
constexpr uint64_t kFsTruncate = 1ULL << 14;              // ABI 3
constexpr uint64_t kFsIoctlDev = 1ULL << 15;              // ABI 5
constexpr uint64_t kNetBindTcp = 1ULL << 0;               // ABI 4
constexpr uint64_t kNetConnectTcp = 1ULL << 1;            // ABI 4
constexpr uint64_t kScopeAbstractUnixSocket = 1ULL << 0;  // ABI 6
constexpr uint64_t kScopeSignal = 1ULL << 1;              // ABI 6
static_assert(kFsRefer == LANDLOCK_ACCESS_FS_REFER && kFsExecute == LANDLOCK_ACCESS_FS_EXECUTE &&
              kFsWriteFile == LANDLOCK_ACCESS_FS_WRITE_FILE);

// struct landlock_ruleset_attr as of ABI 6. Older kernels accept the larger struct as long as
// the fields they do not know are zero, which HandledBy guarantees.
struct RulesetAttr {
  uint64_t handled_access_fs = 0;
  uint64_t handled_access_net = 0;
  uint64_t scoped = 0;
};

// Everything the kernel's ABI can deny, masked as the kernel documentation's example does:
// rights an older kernel does not know would make landlock_create_ruleset fail with EINVAL.
RulesetAttr HandledBy(int abi) {
  RulesetAttr attr;
  attr.handled_access_fs = kFsAbi1;
  if (abi >= 2) attr.handled_access_fs |= kFsRefer;
  if (abi >= 3) attr.handled_access_fs |= kFsTruncate;
  if (abi >= 4) attr.handled_access_net = kNetBindTcp | kNetConnectTcp;
  if (abi >= 5) attr.handled_access_fs |= kFsIoctlDev;
  if (abi >= 6) attr.scoped = kScopeAbstractUnixSocket | kScopeSignal;
  return attr;
}

// Opens `path` for use as a rule's anchor and grants read access beneath it. With no ruleset
// (ruleset_fd < 0) only checks that the path exists.
Status AddReadOnlyRule(int ruleset_fd, const std::string& path) {
  int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    if (error == ENOENT || error == ENOTDIR) {
      return Status::NotFound("read-only path '" + path + "' does not exist; the sandbox " +
                              "cannot grant access to it (check the model path)");
    }
    return Status::IoError("cannot open read-only path '" + path + "': " + std::strerror(error));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int error = errno;
    ::close(fd);
    return Status::IoError("cannot stat read-only path '" + path + "': " + std::strerror(error));
  }
  // READ_DIR on a file makes landlock_add_rule fail with EINVAL.
  landlock_path_beneath_attr rule{};
  rule.parent_fd = fd;
  rule.allowed_access = S_ISDIR(st.st_mode) ? kFsReadFile | kFsReadDir : kFsReadFile;
  long rc = ruleset_fd < 0 ? 0
                           : ::syscall(__NR_landlock_add_rule, ruleset_fd,
                                       LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
  int error = errno;
  ::close(fd);
  if (rc != 0) {
    return Status::Internal("landlock_add_rule for '" + path + "' failed: " + std::strerror(error));
  }
  return Status::Ok();
}

}  // namespace

LandlockSupport ProbeLandlock() {
  long abi = ::syscall(__NR_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi > 0) return {static_cast<int>(abi), ""};
  int error = errno;
  if (error == ENOSYS) return {0, "kernel built without Landlock (ENOSYS)"};
  if (error == EOPNOTSUPP) return {0, "Landlock disabled at boot (EOPNOTSUPP; see lsm=)"};
  return {0, std::string("Landlock version query failed: ") + std::strerror(error)};
}

Result<LandlockRuleset> LandlockRuleset::ReadOnly(const std::vector<std::string>& paths) {
  LandlockRuleset ruleset(ProbeLandlock());
  if (ruleset.abi() == 0) {
    // Nothing to enforce, but a missing model path is the same mistake on every kernel.
    for (const std::string& path : paths) {
      if (Status status = AddReadOnlyRule(-1, path); !status.ok()) return status;
    }
    return ruleset;
  }
  RulesetAttr attr = HandledBy(ruleset.abi());
  long fd = ::syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
  if (fd < 0) {
    return Status::Internal(std::string("landlock_create_ruleset failed: ") + std::strerror(errno));
  }
  ruleset.fd_ = static_cast<int>(fd);
  for (const std::string& path : paths) {
    if (Status status = AddReadOnlyRule(ruleset.fd_, path); !status.ok()) return status;
  }
  return ruleset;
}

LandlockRuleset::LandlockRuleset(LandlockRuleset&& other) noexcept
    : support_(std::move(other.support_)), fd_(std::exchange(other.fd_, -1)) {}

LandlockRuleset& LandlockRuleset::operator=(LandlockRuleset&& other) noexcept {
  if (this != &other) {
    Close();
    support_ = std::move(other.support_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

LandlockRuleset::~LandlockRuleset() { Close(); }

void LandlockRuleset::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status LandlockRuleset::RestrictSelf() {
  if (abi() == 0) return Status::Ok();
  if (fd_ < 0) return Status::FailedPrecondition("Landlock ruleset already enforced or moved");
  long rc = ::syscall(__NR_landlock_restrict_self, fd_, 0);
  int error = errno;
  Close();
  if (rc != 0) {
    return Status::Internal(std::string("landlock_restrict_self failed: ") + std::strerror(error) +
                            (error == EPERM ? " (no_new_privs must be set first)" : ""));
  }
  return Status::Ok();
}

}  // namespace bastion::sandbox
