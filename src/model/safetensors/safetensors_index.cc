#include "model/safetensors/safetensors_index.h"

#include <algorithm>
#include <utility>

#include "model/gguf/gguf_parser.h"  // QuoteForMessage
#include "model/mapped_file.h"
#include "model/safetensors/safetensors_file.h"
#include "model/safetensors/safetensors_json.h"

namespace bastion::model {
namespace {

namespace json = safetensors_json;
using simdjson::dom::element;

constexpr std::string_view kShardSuffix = ".safetensors";

Status Invalid(std::string msg) { return Status::InvalidArgument(std::move(msg)); }

std::string Num(uint64_t v) { return std::to_string(v); }

Status ReadMetadata(element value, SafetensorsIndex& out) {
  auto members = json::GetObject(value, "metadata");
  if (!members.ok()) return members.status();
  if (Status st = json::CheckUniqueKeys(*members, "metadata"); !st.ok()) return st;
  uint64_t total = 0;
  if ((*members)["total_size"].get_uint64().get(total) == simdjson::SUCCESS) out.total_size = total;
  return Status::Ok();
}

Status CheckTensorName(std::string_view name) {
  if (name.empty()) return Invalid("weight_map has an empty tensor name");
  if (name.size() > kSafetensorsMaxNameBytes) {
    return Invalid("weight_map tensor " + QuoteForMessage(name) + " has a name of " +
                   Num(name.size()) + " bytes, over the limit of " + Num(kSafetensorsMaxNameBytes));
  }
  return Status::Ok();
}

Status ReadWeightMap(element value, SafetensorsIndex& out) {
  auto members = json::GetObject(value, "weight_map");
  if (!members.ok()) return members.status();
  if (Status st = json::CheckUniqueKeys(*members, "weight_map"); !st.ok()) return st;
  if (members->size() == 0) return Invalid("weight_map lists no tensors");
  for (auto field : *members) {
    if (Status st = CheckTensorName(field.key); !st.ok()) return st;
    std::string where = "weight_map entry " + QuoteForMessage(field.key);
    auto shard = json::GetString(field.value, where);
    if (!shard.ok()) return shard.status();
    if (Status st = CheckShardFileName(*shard); !st.ok()) {
      return Invalid(where + ": " + st.message());
    }
    out.weight_map.emplace(std::string(field.key), std::string(*shard));
    out.shards.emplace_back(*shard);
  }
  std::sort(out.shards.begin(), out.shards.end());
  out.shards.erase(std::unique(out.shards.begin(), out.shards.end()), out.shards.end());
  return Status::Ok();
}

Status ParseIndex(std::string_view text, SafetensorsIndex& out) {
  simdjson::dom::parser parser;
  auto root = json::ParseObject(parser, text, "the index");
  if (!root.ok()) return root.status();
  if (Status st = json::CheckUniqueKeys(*root, "the index"); !st.ok()) return st;
  bool have_weight_map = false;
  for (auto field : *root) {
    Status st;
    if (field.key == "metadata") {
      st = ReadMetadata(field.value, out);
    } else if (field.key == "weight_map") {
      st = ReadWeightMap(field.value, out);
      have_weight_map = true;
    } else {
      st = Invalid("the index has the unknown member " + QuoteForMessage(field.key) +
                   " (expected only metadata and weight_map)");
    }
    if (!st.ok()) return st;
  }
  if (!have_weight_map) return Invalid("the index has no weight_map");
  return Status::Ok();
}

}  // namespace

Status CheckShardFileName(std::string_view name) {
  const std::string quoted = QuoteForMessage(name);
  if (name.find_first_of("/\\") != std::string_view::npos) {
    return Invalid("shard " + quoted + " is not a plain file name (it contains a path separator)");
  }
  if (name.find("..") != std::string_view::npos) {
    return Invalid("shard " + quoted + " contains \"..\"");
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Invalid("shard " + quoted + " contains a control byte");
    }
  }
  if (name.size() <= kShardSuffix.size() ||
      name.substr(name.size() - kShardSuffix.size()) != kShardSuffix) {
    return Invalid("shard " + quoted + " is not a file name ending in \".safetensors\"");
  }
  return Status::Ok();
}

Result<SafetensorsIndex> ParseSafetensorsIndex(std::string_view json, const std::string& origin) {
  SafetensorsIndex out;
  if (Status st = ParseIndex(json, out); !st.ok()) {
    std::string msg = "safetensors index: " + origin + ": " + st.message();
    if (st.code() == StatusCode::kResourceExhausted) return Status::ResourceExhausted(msg);
    return Status::InvalidArgument(msg);
  }
  return out;
}

Result<SafetensorsIndex> ReadSafetensorsIndex(const std::string& index_json_path) {
  auto mapping = MappedFile::Open(index_json_path);
  if (!mapping.ok()) return mapping.status();
  std::span<const uint8_t> bytes = mapping->bytes();
  if (bytes.size() > kSafetensorsMaxIndexBytes) {
    return Status::InvalidArgument("safetensors index: " + index_json_path + ": " +
                                   Num(bytes.size()) + " bytes, over the limit of " +
                                   Num(kSafetensorsMaxIndexBytes));
  }
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return ParseSafetensorsIndex(text, index_json_path);
}

}  // namespace bastion::model
