#pragma once
// One file of a pull: fetched into DIR/.bastion/partial/<path>.part (resumed with a Range
// request when a previous run left one), verified (hub_verify.h), and only then renamed to
// DIR/<path>. A file that fails verification is deleted; a transfer that breaks off leaves its
// .part for the next run. Blocking; safe to run on several threads for different files.

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "model/hub/hub_api.h"
#include "model/hub/hub_fetch.h"

namespace bastion::model {

enum class HubDownloadOutcome { kDownloaded, kResumed, kAlreadyPresent };

// Where a previous run's partial download of `file` lives under `dir`.
std::string HubPartialPath(const std::string& dir, const HubFile& file);

// Fetches `url` as `file` into `dir`. `on_bytes` is called on this thread with the size of
// every piece written. FailedPrecondition when the bytes do not verify (the file is gone);
// IoError/Unavailable/PermissionDenied when the transfer fails (a .part may stay).
Result<HubDownloadOutcome> DownloadHubFile(const HubTransport& transport, const HubUrl& url,
                                           const std::string& dir, const HubFile& file,
                                           const std::function<void(uint64_t)>& on_bytes);

}  // namespace bastion::model
