#pragma once
// 32-byte secrets and keys in files of their own: 64 hex digits and a newline, mode 0600.
// `what` names the key in messages ("audit signing key").

#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::audit {

// The 32 bytes in `path`. NotFound when it does not exist, InvalidArgument when malformed,
// and, for a `secret`, PermissionDenied when group or others may read it.
Result<std::string> ReadKeyFile(const std::string& path, std::string_view what = "key file",
                                bool secret = false);
// Writes `key` to `path` (mode 0600; the parent directory made 0700 when missing) atomically:
// a reader never sees half a key. AlreadyExists when there is one: keys are never replaced.
Status WriteKeyFile(const std::string& path, std::string_view key,
                    std::string_view what = "key file");
// Reads the secret at `path`, or writes `fresh()` there first when there is none (when two
// processes race, both end up with the one written first).
Result<std::string> ReadOrCreateKeyFile(const std::string& path, std::string (*fresh)(),
                                        std::string_view what);

}  // namespace bastion::audit
