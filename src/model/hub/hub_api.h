#pragma once
// The Hugging Face Hub's JSON answers that a pull relies on, parsed strictly:
//
//   GET /api/models/{repo}/revision/{revision}  ->  {"sha":"<40 hex>", ...}
//   GET /api/models/{repo}/tree/{commit}?recursive=true
//     ->  [{"type":"file","path":"config.json","size":N,"oid":"<git blob sha1>"},
//          {"type":"file","path":"model.safetensors","size":N,"oid":"…",
//           "lfs":{"oid":"<sha256 hex>","size":N,"pointerSize":135}},
//          {"type":"directory","path":"…",…}, …]
//
// The listing is untrusted: every path passes CheckHubPath, digests must be lower-case hex of
// the right length, and sizes and counts are bounded.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bastion::model {

inline constexpr size_t kMaxHubFiles = 10000;
inline constexpr size_t kMaxHubJsonBytes = 16 << 20;

struct HubFile {
  std::string path;
  uint64_t size = 0;       // the file's real size (the LFS object's size for LFS files)
  std::string oid;         // git blob SHA-1 (of the pointer, for LFS files)
  std::string lfs_sha256;  // empty unless the file is stored in LFS

  bool lfs() const { return !lfs_sha256.empty(); }
};

// The commit SHA-1 of a revision answer. InvalidArgument when it has none.
Result<std::string> ParseHubRevision(std::string_view json);

// The files of a tree listing (directories dropped), in listing order. InvalidArgument
// naming the first entry that breaks the rules above; duplicate paths are refused too.
Result<std::vector<HubFile>> ParseHubTree(std::string_view json);

}  // namespace bastion::model
