#include "model/intake/manifest.h"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "common/json_writer.h"
#include "model/intake/file_digest.h"
#include "model/intake/file_walk.h"

namespace bastion::model {
namespace fs = std::filesystem;
namespace {

bool SamePath(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  return fs::equivalent(a, b, ec1) && !ec1 && !ec2;
}

// Hashes entries[i].path (absolute in `paths`) on `threads` threads, largest files first so
// that one big shard does not start last.
Status HashAll(std::vector<ManifestEntry>& entries, const std::vector<std::string>& paths,
               size_t threads) {
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return entries[a].size > entries[b].size; });
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto work = [&] {
    for (size_t k; (k = next++) < order.size();) {
      const size_t i = order[k];
      auto digest = Sha256File(paths[i]);
      if (!digest.ok()) {
        std::lock_guard lock(mu);
        if (first_error.ok()) first_error = digest.status();
        continue;
      }
      entries[i].sha256 = *digest;
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < std::max<size_t>(threads, 1); ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  return first_error;
}

}  // namespace

Result<Manifest> BuildManifest(const std::string& dir, size_t threads, const std::string& skip) {
  auto files = ListFiles(dir);
  if (!files.ok()) return files.status();
  Manifest manifest;
  std::vector<std::string> paths;
  for (const WalkedFile& f : *files) {
    if (!skip.empty() && SamePath(f.absolute, skip)) continue;
    if (!f.regular) {
      return Status::FailedPrecondition(f.path + ": not a regular file (or a symlink to nothing)");
    }
    std::error_code ec;
    const uint64_t size = fs::file_size(f.absolute, ec);
    if (ec) return Status::IoError(f.path + ": " + ec.message());
    manifest.files.push_back({f.path, size, ""});
    paths.push_back(f.absolute);
  }
  if (Status st = HashAll(manifest.files, paths, threads); !st.ok()) return st;
  return manifest;
}

std::string ManifestJson(const Manifest& manifest) {
  JsonWriter w;
  w.BeginObject().Key("version").Int(1).Key("files").BeginArray();
  for (const ManifestEntry& e : manifest.files) {
    w.BeginObject().Key("path").String(e.path).Key("size").Uint(e.size);
    w.Key("sha256").String(e.sha256).EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

Result<Manifest> ParseManifest(std::string_view json) {
  auto invalid = [](std::string what) { return Status::InvalidArgument("manifest: " + what); };
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(json);
  if (auto error = parser.parse(padded).get(root); error) {
    return invalid(std::string("not JSON (") + simdjson::error_message(error) + ")");
  }
  int64_t version = 0;
  if (root["version"].get_int64().get(version) || version != 1) {
    return invalid("\"version\" must be 1");
  }
  simdjson::dom::array files;
  if (root["files"].get_array().get(files)) return invalid("\"files\" must be an array");
  Manifest manifest;
  for (simdjson::dom::element f : files) {
    std::string_view path, sha256;
    uint64_t size = 0;
    if (f["path"].get_string().get(path) || f["size"].get_uint64().get(size) ||
        f["sha256"].get_string().get(sha256)) {
      return invalid("every file needs \"path\" (string), \"size\" and \"sha256\"");
    }
    const bool hex = sha256.size() == 64 && std::all_of(sha256.begin(), sha256.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!hex) return invalid(std::string(path) + ": sha256 must be 64 lower-case hex digits");
    const fs::path p(path);
    if (path.empty() || p.is_absolute() ||
        std::any_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; })) {
      return invalid("path '" + std::string(path) + "' must stay inside the folder");
    }
    manifest.files.push_back({std::string(path), size, std::string(sha256)});
  }
  std::sort(manifest.files.begin(), manifest.files.end(),
            [](const ManifestEntry& a, const ManifestEntry& b) { return a.path < b.path; });
  for (size_t i = 1; i < manifest.files.size(); ++i) {
    if (manifest.files[i].path == manifest.files[i - 1].path) {
      return invalid("'" + manifest.files[i].path + "' is listed twice");
    }
  }
  return manifest;
}

ManifestDrift CompareManifests(const Manifest& want, const Manifest& got) {
  std::map<std::string_view, const ManifestEntry*> have;
  for (const ManifestEntry& e : got.files) have[e.path] = &e;
  ManifestDrift drift;
  for (const ManifestEntry& e : want.files) {
    auto it = have.find(e.path);
    if (it == have.end()) {
      drift.missing.push_back(e.path);
      continue;
    }
    const ManifestEntry& g = *it->second;
    if (g.size != e.size) {
      drift.changed.push_back(e.path + ": size " + std::to_string(g.size) + ", expected " +
                              std::to_string(e.size));
    } else if (g.sha256 != e.sha256) {
      drift.changed.push_back(e.path + ": sha256 " + g.sha256 + ", expected " + e.sha256);
    }
    have.erase(it);
  }
  for (const auto& [path, entry] : have) drift.extra.push_back(std::string(path));
  return drift;
}

}  // namespace bastion::model
