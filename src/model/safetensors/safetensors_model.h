#pragma once
// SafetensorsModel: the safetensors weights of a Hugging Face model folder, either one
// model.safetensors or a sharded checkpoint (model.safetensors.index.json and its shards),
// answering Find(name) across shards. Each shard is opened (mapped and checked) once. The
// index and the shards must agree exactly: every weight_map entry is in the shard it names,
// every tensor of every shard is in the weight_map under that shard, and no tensor is in two
// shards — so whichever of the index or the shards a reader trusts, it sees the same weights.
// A folder holding both layouts is refused (which one a loader picks would decide the model).
//
// Lifetimes: tensors and their data live as long as the SafetensorsModel (also across moves).
// Threading: immutable after Open(); any number of threads may read it.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/safetensors/safetensors_file.h"

namespace bastion::model {

inline constexpr std::string_view kSafetensorsSingleFileName = "model.safetensors";

class SafetensorsModel {
 public:
  // NotFound when `dir` holds neither layout; InvalidArgument naming the file and tensor for
  // any disagreement; a shard's own errors as SafetensorsFile::Open reports them.
  static Result<SafetensorsModel> Open(const std::string& dir);

  SafetensorsModel(SafetensorsModel&&) = default;
  SafetensorsModel& operator=(SafetensorsModel&&) = default;
  SafetensorsModel(const SafetensorsModel&) = delete;
  SafetensorsModel& operator=(const SafetensorsModel&) = delete;

  // Sorted by file name; one element for a single-file model.
  const std::vector<SafetensorsFile>& shards() const { return shards_; }
  size_t tensor_count() const { return tensors_.size(); }
  // O(log n); nullptr when absent.
  const SafetensorsTensor* Find(std::string_view name) const;

 private:
  SafetensorsModel() = default;
  Status AddShard(const std::string& dir, const std::string& name);
  Status IndexTensors();
  Status MatchIndex(const std::map<std::string, std::string, std::less<>>& weight_map) const;

  struct Entry {
    const SafetensorsTensor* tensor;
    size_t shard;  // index into shards_
  };

  std::string origin_;  // the folder, or its index, for errors
  std::vector<SafetensorsFile> shards_;
  std::vector<std::string> shard_names_;  // parallel to shards_
  // Keys and pointers point into shards_, whose tensors never move: moving a SafetensorsFile
  // (or the vector of them) moves its tensor vector's buffer, not the tensors.
  std::map<std::string_view, Entry> tensors_;
};

}  // namespace bastion::model
