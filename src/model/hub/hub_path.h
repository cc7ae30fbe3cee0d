#pragma once
// File paths from a Hugging Face Hub tree listing are untrusted: they become paths under the
// destination folder, so one that could land anywhere else (or in bastion's own state) is
// refused before anything is fetched.

#include <string_view>

#include "common/status.h"

namespace bastion::model {

inline constexpr size_t kMaxHubPathBytes = 1024;

// Ok for a relative path of '/'-separated components, none empty, "." or "..", none longer
// than 255 bytes, without backslashes or control characters (NUL included), at most
// kMaxHubPathBytes long, and not inside `.bastion/` or `.git/` at the top (bastion's state and
// git's). InvalidArgument naming the path otherwise.
Status CheckHubPath(std::string_view path);

}  // namespace bastion::model
