#pragma once
// Proof that a downloaded file is the one the hub listed, before it is kept: LFS files by
// their SHA-256 (the LFS oid) and size; other files by size and git's blob id,
// sha1("blob " + size + "\0" + content), which is what the listing's "oid" is.

#include <string>

#include "common/status.h"
#include "model/hub/hub_api.h"

namespace bastion::model {

// Git's blob id of the file at `path`, lower-case hex. IoError when it cannot be read.
Result<std::string> GitBlobSha1File(const std::string& path);

// Ok when the file at `path` matches `file`. FailedPrecondition naming `file.path` and what
// differs; IoError when it cannot be read.
Status VerifyHubFile(const std::string& path, const HubFile& file);

}  // namespace bastion::model
