#include "model/safetensors/safetensors_file.h"

#include <algorithm>
#include <numeric>
#include <tuple>
#include <utility>

#include "common/byte_reader.h"
#include "model/gguf/gguf_parser.h"  // QuoteForMessage
#include "model/safetensors/safetensors_header.h"

namespace bastion::model {
namespace {

constexpr uint64_t kSizeFieldBytes = 8;

Status Invalid(std::string msg) { return Status::InvalidArgument(std::move(msg)); }

std::string Num(uint64_t v) { return std::to_string(v); }

std::string TensorWhere(const SafetensorsTensor& t) { return "tensor " + QuoteForMessage(t.name); }

std::string BytesText(const SafetensorsTensor& t) {
  return "bytes " + Num(t.offset) + " to " + Num(t.offset + t.size);
}

// `status` with the file named, keeping its code.
Status InFile(const Status& status, const std::string& origin) {
  std::string msg = "safetensors: " + origin + ": " + status.message();
  if (status.code() == StatusCode::kResourceExhausted) return Status::ResourceExhausted(msg);
  return Status::InvalidArgument(msg);
}

}  // namespace

Result<SafetensorsFile> SafetensorsFile::Open(const std::string& path) {
  auto mapping = MappedFile::Open(path);
  if (!mapping.ok()) return mapping.status();
  SafetensorsFile file;
  file.origin_ = path;
  if (Status st = file.Load(mapping->bytes()); !st.ok()) return InFile(st, path);
  file.mapping_ = std::move(mapping).value();
  return file;
}

Result<SafetensorsFile> SafetensorsFile::Parse(std::span<const uint8_t> bytes, std::string origin) {
  SafetensorsFile file;
  file.origin_ = std::move(origin);
  if (Status st = file.Load(bytes); !st.ok()) return InFile(st, file.origin_);
  return file;
}

const SafetensorsTensor* SafetensorsFile::Find(std::string_view name) const {
  auto it = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                             [&](size_t i, std::string_view n) { return tensors_[i].name < n; });
  if (it == by_name_.end() || tensors_[*it].name != name) return nullptr;
  return &tensors_[*it];
}

Status SafetensorsFile::Load(std::span<const uint8_t> bytes) {
  bytes_ = bytes;
  ByteReader reader(bytes);
  auto header_size = reader.ReadU64();
  if (!header_size.ok()) {
    return Invalid("the file is " + Num(bytes.size()) +
                   " bytes, too short for the 8-byte header size");
  }
  if (*header_size > kSafetensorsMaxHeaderBytes) {
    return Invalid("the header size " + Num(*header_size) + " exceeds the limit of " +
                   Num(kSafetensorsMaxHeaderBytes) + " bytes");
  }
  if (*header_size > reader.remaining()) {
    return Invalid("the header size " + Num(*header_size) + " runs past the end of the file (" +
                   Num(reader.remaining()) + " bytes follow the size field)");
  }
  auto header_bytes = reader.ReadBytes(*header_size);
  if (!header_bytes.ok()) return header_bytes.status();  // unreachable: checked above
  std::string_view text(reinterpret_cast<const char*>(header_bytes->data()), header_bytes->size());
  auto header = ParseSafetensorsHeader(text);
  if (!header.ok()) return header.status();
  data_offset_ = kSizeFieldBytes + *header_size;
  tensors_ = std::move(header->tensors);
  metadata_ = std::move(header->metadata);
  return PlaceTensors();
}

// The ranges, in data order, must tile the data region exactly: the first starts at 0, each
// next one where the previous ended, the last at the end of the file.
Status SafetensorsFile::PlaceTensors() {
  const uint64_t data_size = bytes_.size() - data_offset_;
  std::vector<size_t> order(tensors_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(tensors_[a].offset, tensors_[a].size, a) <
           std::tie(tensors_[b].offset, tensors_[b].size, b);
  });
  const SafetensorsTensor* prev = nullptr;
  uint64_t next = 0;  // where the next range must begin
  for (size_t i : order) {
    const SafetensorsTensor& t = tensors_[i];
    if (t.offset > next && prev == nullptr) {
      return Invalid("the data region must start with a tensor, but the first, " + TensorWhere(t) +
                     ", starts at byte " + Num(t.offset));
    }
    if (t.offset > next) {
      return Invalid("bytes " + Num(next) + " to " + Num(t.offset) +
                     " of the data region belong to no tensor (a gap between " +
                     TensorWhere(*prev) + " and " + TensorWhere(t) + ")");
    }
    if (t.offset < next) {
      return Invalid(TensorWhere(t) + " (" + BytesText(t) + ") overlaps " + TensorWhere(*prev) +
                     " (" + BytesText(*prev) + ")");
    }
    if (t.offset + t.size > data_size) {
      return Invalid(TensorWhere(t) + " (" + BytesText(t) +
                     ") runs past the end of the data region (" + Num(data_size) + " bytes)");
    }
    next = t.offset + t.size;
    prev = &t;
  }
  if (next != data_size && prev == nullptr) {
    return Invalid("the header lists no tensors, but " + Num(data_size) + " bytes follow it");
  }
  if (next != data_size) {
    return Invalid(Num(data_size - next) + " bytes after the last tensor, " + TensorWhere(*prev) +
                   " (" + BytesText(*prev) + "), belong to no tensor");
  }
  for (SafetensorsTensor& t : tensors_) {
    t.data =
        bytes_.subspan(static_cast<size_t>(data_offset_ + t.offset), static_cast<size_t>(t.size));
  }
  by_name_ = std::move(order);
  std::sort(by_name_.begin(), by_name_.end(),
            [&](size_t a, size_t b) { return tensors_[a].name < tensors_[b].name; });
  return Status::Ok();
}

}  // namespace bastion::model
