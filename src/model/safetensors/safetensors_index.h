#pragma once
// SafetensorsIndex: the index of a Hugging Face sharded checkpoint, model.safetensors.index.json
// ({"metadata": {...}, "weight_map": {"<tensor>": "model-00001-of-00002.safetensors", ...}}).
// Checked as strictly as a safetensors header: one JSON object with only those two members, no
// duplicate keys anywhere, tensor names as in a header, and shard names that are plain file
// names in the index's own folder ending in ".safetensors" (no '/', '\', "..", control bytes),
// so an index cannot send a loader outside the model's folder.
//
// Threading: a plain value.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bastion::model {

inline constexpr std::string_view kSafetensorsIndexName = "model.safetensors.index.json";
inline constexpr uint64_t kSafetensorsMaxIndexBytes = uint64_t{100} << 20;

struct SafetensorsIndex {
  std::map<std::string, std::string, std::less<>> weight_map;  // tensor name -> shard file name
  std::vector<std::string> shards;     // the distinct shard file names, sorted
  std::optional<uint64_t> total_size;  // metadata.total_size, when it is an unsigned integer
};

// Reads and checks the index at `index_json_path`. Errors name the path.
Result<SafetensorsIndex> ReadSafetensorsIndex(const std::string& index_json_path);
// The same checks on the index's text (tests, fuzzing); `origin` names it in errors.
Result<SafetensorsIndex> ParseSafetensorsIndex(std::string_view json, const std::string& origin);

// OK when `name` is a plain file name ending in ".safetensors" that stays in its folder.
Status CheckShardFileName(std::string_view name);

}  // namespace bastion::model
