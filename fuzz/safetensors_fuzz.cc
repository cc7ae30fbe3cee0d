// Model files are untrusted bytes: safetensors parsing, then every accessor a loader uses,
// touching the first and last byte of every tensor the parse accepted. The same bytes also go
// through the sharded-checkpoint index parser (its input is JSON text from the same folder).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "model/safetensors/safetensors_file.h"
#include "model/safetensors/safetensors_index.h"

namespace {

uint64_t TouchFile(const bastion::model::SafetensorsFile& file) {
  using namespace bastion::model;
  uint64_t sum = file.data_offset() + file.origin().size();
  for (const SafetensorsTensor& t : file.tensors()) {
    sum += (file.Find(t.name) == &t) + SafetensorsDtypeName(t.dtype).size() + t.shape.size();
    sum += t.offset + t.size + (t.data.size() == t.size);
    if (!t.data.empty()) sum += t.data.front() + t.data.back();
  }
  for (const auto& [key, value] : file.metadata()) sum += key.size() + value.size();
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion::model;
  volatile uint64_t sink = 0;
  auto file = SafetensorsFile::Parse(std::span<const uint8_t>(data, size), "fuzz");
  if (file.ok()) sink = sink + TouchFile(*file);
  auto index =
      ParseSafetensorsIndex(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (index.ok()) {
    for (const auto& [name, shard] : index->weight_map) sink = sink + name.size() + shard.size();
    sink = sink + index->shards.size() + index->total_size.value_or(0);
  }
  return 0;
}
