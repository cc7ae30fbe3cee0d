#pragma once
// The files of a model folder, as scan, manifest and verify see them: every regular file under
// the directory, recursively, in path order. File symlinks are followed (a Hugging Face cache
// snapshot is symlinks into blobs/); directory symlinks are not entered (no loops, no escape);
// `.git` (git's own compressed copies, never loaded) and `.bastion` (bastion's intake record
// and partial downloads) are skipped. Entries that are neither
// (broken symlinks, sockets, devices) are listed as not regular, so callers can refuse them.

#include <string>
#include <vector>

#include "common/status.h"

namespace bastion::model {

struct WalkedFile {
  std::string path;      // relative to the directory, as written (symlinks not resolved)
  std::string absolute;  // what to open
  bool regular = true;   // false: a broken symlink, socket, device, ...
};

// IoError when the directory cannot be listed.
Result<std::vector<WalkedFile>> ListFiles(const std::string& dir);

}  // namespace bastion::model
