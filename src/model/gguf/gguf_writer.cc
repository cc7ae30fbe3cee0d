#include "model/gguf/gguf_writer.h"

#include <cassert>

namespace bastion::model {

GgufWriter::GgufWriter(uint32_t alignment) : alignment_(alignment) {
  assert(alignment != 0 && (alignment & (alignment - 1)) == 0 && alignment <= kGgufMaxAlignment);
  if (alignment != kGgufDefaultAlignment) Add<uint32_t>("general.alignment", alignment);
}

void GgufWriter::BeginKv(std::string_view key, GgufType type) {
  if (!keys_.emplace(key).second && first_error_.ok()) {
    first_error_ = Status::InvalidArgument("gguf writer: duplicate key '" + std::string(key) + "'");
  }
  ++metadata_count_;
  AppendString(metadata_, key);
  AppendScalar(static_cast<uint32_t>(type));
}

void GgufWriter::AppendString(std::string& out, std::string_view text) {
  AppendLittleEndian(out, static_cast<uint64_t>(text.size()));
  out.append(text);
}

void GgufWriter::AddString(std::string_view key, std::string_view value) {
  BeginKv(key, GgufType::kString);
  AppendString(metadata_, value);
}

void GgufWriter::AddStringArray(std::string_view key, std::span<const std::string> values) {
  BeginKv(key, GgufType::kArray);
  AppendScalar(static_cast<uint32_t>(GgufType::kString));
  AppendScalar(static_cast<uint64_t>(values.size()));
  for (const std::string& v : values) AppendString(metadata_, v);
}

void GgufWriter::AddTensor(std::string_view name, GgmlType type, std::vector<uint64_t> dims,
                           std::span<const uint8_t> data) {
  auto fail = [&](const std::string& why) {
    if (first_error_.ok()) {
      first_error_ =
          Status::InvalidArgument("gguf writer: tensor '" + std::string(name) + "': " + why);
    }
  };
  if (name.empty() || name.size() > kGgufMaxTensorNameBytes) return fail("bad name length");
  if (!tensor_names_.emplace(name).second) return fail("duplicate name");
  auto size = GgmlTensorBytes(static_cast<uint32_t>(type), dims);
  if (!size.ok()) return fail(size.status().message());
  if (size->bytes != data.size()) {
    return fail("has " + std::to_string(data.size()) + " bytes of data, expected " +
                std::to_string(size->bytes));
  }
  tensors_.push_back(PendingTensor{std::string(name), type, std::move(dims),
                                   std::string(data.begin(), data.end())});
}

void GgufWriter::Pad(std::string& out, uint32_t alignment) {
  out.append((alignment - out.size() % alignment) % alignment, '\0');
}

Result<std::string> GgufWriter::Finish() const {
  if (!first_error_.ok()) return first_error_;
  std::string out = "GGUF";
  AppendLittleEndian(out, uint32_t{3});
  AppendLittleEndian(out, static_cast<uint64_t>(tensors_.size()));
  AppendLittleEndian(out, metadata_count_);
  out += metadata_;
  uint64_t offset = 0;
  for (const PendingTensor& t : tensors_) {
    AppendString(out, t.name);
    AppendLittleEndian(out, static_cast<uint32_t>(t.dims.size()));
    for (uint64_t d : t.dims) AppendLittleEndian(out, d);
    AppendLittleEndian(out, static_cast<uint32_t>(t.type));
    AppendLittleEndian(out, offset);
    offset += (t.data.size() + alignment_ - 1) / alignment_ * alignment_;
  }
  Pad(out, alignment_);
  for (const PendingTensor& t : tensors_) {
    out += t.data;
    Pad(out, alignment_);
  }
  return out;
}

}  // namespace bastion::model
