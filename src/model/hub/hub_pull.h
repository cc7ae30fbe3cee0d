#pragma once
// `bastion pull`: a Hugging Face Hub repository into a folder, every file verified, then the
// intake record written (scan, licence, hashes; intake_record.h). The steps:
//
//   1. the organisation must be allowlisted; the revision resolves to a commit;
//   2. the commit's tree is listed (paths checked, pickles and code set aside unless asked);
//   3. files download `parallel` at a time, each resumable and verified (hub_download.h);
//   4. once all are in, RecordIntake; if the scan finds something unsafe, no record.
//
// Errors: InvalidArgument/NotFound/PermissionDenied for what the user asked (bad repository,
// organisation not allowed, unknown revision); anything else is a transfer, verification or
// scan failure.

#include <cstdio>
#include <string>
#include <vector>

#include "common/status.h"

namespace bastion::model {

struct PullOptions {
  std::string hub = "https://huggingface.co";
  std::string repo;  // ORG/REPO[@REVISION]
  std::string dir;
  std::vector<std::string> allow_hosts;  // besides the hub and Hugging Face's CDNs
  std::vector<std::string> allow_orgs;   // besides deepseek-ai
  bool include_pickles = false;
  bool include_code = false;
  std::string token;    // sent to the hub's origin only
  std::string ca_file;  // empty: the system's CA store
  size_t parallel = 4;
  size_t hash_threads = 4;
  FILE* log = stderr;
  bool tty = false;  // draw a progress bar on `log`
};

// Hugging Face's LFS/Xet download hosts, allowed by default.
const std::vector<std::string>& DefaultHubCdnHosts();

// Organisations allowed by default.
const std::vector<std::string>& DefaultHubOrgs();

Status PullFromHub(const PullOptions& options);

}  // namespace bastion::model
