#include "model/hub/hub_api.h"

#include <simdjson.h>

#include <set>

#include "model/hub/hub_path.h"

namespace bastion::model {
namespace {

// The largest file a listing may announce (1 TiB): anything more is a corrupt answer.
constexpr uint64_t kMaxHubFileBytes = uint64_t{1} << 40;

bool IsLowerHex(std::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status Invalid(std::string_view what) {
  return Status::InvalidArgument("unexpected answer from the hub: " + std::string(what));
}

Result<simdjson::dom::element> Parse(simdjson::dom::parser& parser,
                                     const simdjson::padded_string& padded) {
  if (padded.size() > kMaxHubJsonBytes) return Invalid("too large");
  simdjson::dom::element root;
  if (auto error = parser.parse(padded).get(root)) {
    return Invalid(std::string("not JSON (") + simdjson::error_message(error) + ")");
  }
  return root;
}

// One listing entry; `file` is left empty (no path) for directories.
Status ParseEntry(simdjson::dom::element entry, HubFile& file) {
  std::string_view type, path, oid;
  uint64_t size = 0;
  if (entry["type"].get(type) || entry["path"].get(path)) return Invalid("entry without type/path");
  if (type == "directory") return Status::Ok();
  if (type != "file") return Invalid("entry of type '" + std::string(type.substr(0, 20)) + "'");
  if (Status s = CheckHubPath(path); !s.ok()) return s;
  std::string where = " for '" + std::string(path) + "'";
  if (entry["size"].get(size) || size > kMaxHubFileBytes) return Invalid("bad size" + where);
  if (entry["oid"].get(oid) || !IsLowerHex(oid, 40)) return Invalid("bad oid" + where);
  file.path = std::string(path);
  file.size = size;
  file.oid = std::string(oid);
  simdjson::dom::element lfs;
  if (entry["lfs"].get(lfs) == simdjson::SUCCESS && !lfs.is_null()) {
    std::string_view sha;
    uint64_t lfs_size = 0;
    if (lfs["oid"].get(sha) || !IsLowerHex(sha, 64)) return Invalid("bad lfs.oid" + where);
    if (lfs["size"].get(lfs_size) || lfs_size > kMaxHubFileBytes) {
      return Invalid("bad lfs.size" + where);
    }
    file.lfs_sha256 = std::string(sha);
    file.size = lfs_size;
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> ParseHubRevision(std::string_view json) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  auto root = Parse(parser, padded);
  if (!root.ok()) return root.status();
  std::string_view sha;
  if ((*root)["sha"].get(sha) || !IsLowerHex(sha, 40)) return Invalid("no commit sha");
  return std::string(sha);
}

Result<std::vector<HubFile>> ParseHubTree(std::string_view json) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  auto root = Parse(parser, padded);
  if (!root.ok()) return root.status();
  simdjson::dom::array entries;
  if (root->get(entries)) return Invalid("the tree listing is not an array");
  if (entries.size() > kMaxHubFiles) return Invalid("more than 10000 entries");
  std::vector<HubFile> files;
  std::set<std::string, std::less<>> seen;
  for (simdjson::dom::element entry : entries) {
    HubFile file;
    if (Status s = ParseEntry(entry, file); !s.ok()) return s;
    if (file.path.empty()) continue;
    if (!seen.insert(file.path).second) return Invalid("duplicate path '" + file.path + "'");
    files.push_back(std::move(file));
  }
  return files;
}

}  // namespace bastion::model
