#pragma once
// A manifest: every file of a model folder with its size and SHA-256, so that a later
// `bastion verify` (and serve, before loading) can prove the folder is what was scanned and
// approved. Written as JSON:
//
//   {"version":1,"files":[{"path":"model.safetensors","size":3554214752,"sha256":"…"}, …]}
//
// Paths are relative to the folder and sorted; the walk is file_walk.h's (.git skipped, file
// symlinks followed). Hashing runs on `threads` threads, one file each, largest first.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bastion::model {

struct ManifestEntry {
  std::string path;
  uint64_t size = 0;
  std::string sha256;  // lower-case hex

  bool operator==(const ManifestEntry&) const = default;
};

struct Manifest {
  std::vector<ManifestEntry> files;  // sorted by path
};

// Hashes every file under `dir`. `skip`: a path (as given) left out, e.g. the manifest file
// itself when it is written into the folder. IoError naming the file that cannot be read;
// FailedPrecondition for an entry that is not a regular file (a broken symlink).
Result<Manifest> BuildManifest(const std::string& dir, size_t threads,
                               const std::string& skip = "");

std::string ManifestJson(const Manifest& manifest);
// Strict: the shape above, hex digests of 64 characters, no duplicate or escaping paths.
Result<Manifest> ParseManifest(std::string_view json);

// How a folder differs from its manifest (empty lists: it matches).
struct ManifestDrift {
  std::vector<std::string> changed;  // "path: size 10, expected 12" / "path: sha256 …, expected …"
  std::vector<std::string> missing;
  std::vector<std::string> extra;
  bool empty() const { return changed.empty() && missing.empty() && extra.empty(); }
};
ManifestDrift CompareManifests(const Manifest& want, const Manifest& got);

}  // namespace bastion::model
