#include "model/safetensors/safetensors_model.h"

#include <filesystem>
#include <utility>

#include "model/gguf/gguf_parser.h"  // QuoteForMessage
#include "model/safetensors/safetensors_index.h"

namespace bastion::model {
namespace {

namespace fs = std::filesystem;

std::string TensorWhere(std::string_view name) { return "tensor " + QuoteForMessage(name); }

std::string ShardWhere(const std::string& name) { return "shard " + QuoteForMessage(name); }

}  // namespace

Result<SafetensorsModel> SafetensorsModel::Open(const std::string& dir) {
  const fs::path index_path = fs::path(dir) / kSafetensorsIndexName;
  const fs::path single_path = fs::path(dir) / kSafetensorsSingleFileName;
  std::error_code ec;
  const bool has_index = fs::exists(index_path, ec);
  const bool has_single = fs::exists(single_path, ec);
  if (has_index && has_single) {
    return Status::InvalidArgument(
        "safetensors: " + dir + " has both " + std::string(kSafetensorsSingleFileName) + " and " +
        std::string(kSafetensorsIndexName) + "; remove the one that is not the model");
  }
  if (!has_index && !has_single) {
    return Status::NotFound("safetensors: " + dir + " has neither " +
                            std::string(kSafetensorsSingleFileName) + " nor " +
                            std::string(kSafetensorsIndexName));
  }
  SafetensorsModel model;
  if (has_single) {
    model.origin_ = single_path.string();
    if (Status st = model.AddShard(dir, std::string(kSafetensorsSingleFileName)); !st.ok()) {
      return st;
    }
    if (Status st = model.IndexTensors(); !st.ok()) return st;
    return model;
  }
  model.origin_ = index_path.string();
  auto index = ReadSafetensorsIndex(model.origin_);
  if (!index.ok()) return index.status();
  model.shards_.reserve(index->shards.size());
  for (const std::string& name : index->shards) {
    if (Status st = model.AddShard(dir, name); !st.ok()) return st;
  }
  if (Status st = model.IndexTensors(); !st.ok()) return st;
  if (Status st = model.MatchIndex(index->weight_map); !st.ok()) return st;
  return model;
}

const SafetensorsTensor* SafetensorsModel::Find(std::string_view name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : it->second.tensor;
}

Status SafetensorsModel::AddShard(const std::string& dir, const std::string& name) {
  auto file = SafetensorsFile::Open((fs::path(dir) / name).string());
  if (!file.ok()) return file.status();
  shards_.push_back(std::move(file).value());
  shard_names_.push_back(name);
  return Status::Ok();
}

Status SafetensorsModel::IndexTensors() {
  for (size_t s = 0; s < shards_.size(); ++s) {
    for (const SafetensorsTensor& t : shards_[s].tensors()) {
      auto [it, inserted] = tensors_.emplace(t.name, Entry{&t, s});
      if (!inserted) {
        return Status::InvalidArgument("safetensors: " + origin_ + ": " + TensorWhere(t.name) +
                                       " is in both " + ShardWhere(shard_names_[it->second.shard]) +
                                       " and " + ShardWhere(shard_names_[s]));
      }
    }
  }
  return Status::Ok();
}

Status SafetensorsModel::MatchIndex(
    const std::map<std::string, std::string, std::less<>>& weight_map) const {
  const std::string prefix = "safetensors index: " + origin_ + ": ";
  for (const auto& [name, shard] : weight_map) {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) {
      return Status::InvalidArgument(prefix + "weight_map puts " + TensorWhere(name) + " in " +
                                     ShardWhere(shard) + ", which has no such tensor");
    }
    const std::string& actual = shard_names_[it->second.shard];
    if (actual != shard) {
      return Status::InvalidArgument(prefix + "weight_map puts " + TensorWhere(name) + " in " +
                                     ShardWhere(shard) + ", but it is in " + ShardWhere(actual));
    }
  }
  for (const auto& [name, entry] : tensors_) {
    if (weight_map.find(name) == weight_map.end()) {
      return Status::InvalidArgument(prefix + ShardWhere(shard_names_[entry.shard]) + " has " +
                                     TensorWhere(name) + ", which weight_map does not list");
    }
  }
  return Status::Ok();
}

}  // namespace bastion::model
