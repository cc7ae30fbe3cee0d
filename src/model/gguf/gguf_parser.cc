#include "model/gguf/gguf_parser.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace bastion::model {
namespace {

// The smallest metadata entry: a 1-byte key with its u64 length, a u32 type, a 1-byte value.
constexpr uint64_t kMinKvBytes = 8 + 1 + 4 + 1;
// The smallest tensor info: a 1-byte name, n_dims, one dim, the type, the offset.
constexpr uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;

Status Invalid(const std::string& msg) { return Status::InvalidArgument("gguf: " + msg); }

// A ByteReader failure, with what was being read.
Status Wrap(const std::string& where, const Status& status) {
  return Invalid(where + ": " + status.message());
}

std::string Num(uint64_t v) { return std::to_string(v); }

std::string TensorWhere(std::string_view name) { return "tensor " + QuoteForMessage(name); }

}  // namespace

std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kMaxShown = 80;
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof(escaped), "\\x%02x", c);
      out += escaped;
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out + "'";
}

Status GgufParser::Run() {
  uint64_t tensor_count = 0;
  uint64_t kv_count = 0;
  if (Status st = ReadHeader(tensor_count, kv_count); !st.ok()) return st;
  if (Status st = ReadMetadata(kv_count); !st.ok()) return st;
  if (Status st = ReadAlignment(); !st.ok()) return st;
  if (Status st = ReadTensorInfos(tensor_count); !st.ok()) return st;
  return PlaceTensors();
}

Status GgufParser::ReadHeader(uint64_t& tensor_count, uint64_t& kv_count) {
  auto magic = reader_.ReadBytes(4);
  if (!magic.ok()) return Invalid("file is " + Num(reader_.size()) + " bytes, too short for GGUF");
  std::string_view magic_text(reinterpret_cast<const char*>(magic->data()), 4);
  if (magic_text != "GGUF") {
    return Invalid("not a GGUF file (starts with " + QuoteForMessage(magic_text) +
                   ", expected 'GGUF')");
  }
  auto version = reader_.ReadU32();
  if (!version.ok()) return Wrap("version", version.status());
  if (*version == 1) {
    return Invalid(
        "version 1 is not supported (GGUF v1 predates August 2023); re-convert the model "
        "with a current llama.cpp");
  }
  if (*version == 0x02000000 || *version == 0x03000000) {
    return Invalid("big-endian GGUF files are not supported");
  }
  if (*version != 2 && *version != 3) {
    return Invalid("unsupported version " + Num(*version) + " (expected 2 or 3)");
  }
  out_.version_ = *version;
  auto tensors = reader_.ReadU64();
  if (!tensors.ok()) return Wrap("tensor count", tensors.status());
  auto kvs = reader_.ReadU64();
  if (!kvs.ok()) return Wrap("metadata count", kvs.status());
  tensor_count = *tensors;
  kv_count = *kvs;
  // Each count alone must fit in what is left, before anything is sized by it.
  if (kv_count > reader_.remaining() / kMinKvBytes) {
    return Invalid("metadata count " + Num(kv_count) + " cannot fit in the " +
                   Num(reader_.remaining()) + " bytes after the header");
  }
  if (tensor_count > reader_.remaining() / kMinTensorInfoBytes) {
    return Invalid("tensor count " + Num(tensor_count) + " cannot fit in the " +
                   Num(reader_.remaining()) + " bytes after the header");
  }
  return Status::Ok();
}

Status GgufParser::ReadMetadata(uint64_t kv_count) {
  out_.metadata_.reserve(static_cast<size_t>(kv_count));
  out_.metadata_index_.reserve(static_cast<size_t>(kv_count));
  for (uint64_t i = 0; i < kv_count; ++i) {
    std::string where = "metadata entry #" + Num(i);
    auto key = reader_.ReadString64(kGgufMaxKeyBytes);
    if (!key.ok()) return Wrap(where + " key", key.status());
    if (key->empty()) return Invalid(where + ": empty key");
    where = "key " + QuoteForMessage(*key);
    auto [it, inserted] = out_.metadata_index_.emplace(*key, out_.metadata_.size());
    if (!inserted) {
      return Invalid("duplicate " + where + " (entries #" + Num(it->second) + " and #" + Num(i) +
                     ")");
    }
    size_t type_at = reader_.offset();
    auto type = reader_.ReadU32();
    if (!type.ok()) return Wrap(where + " type", type.status());
    if (*type >= kGgufTypeCount) {
      return Invalid(where + ": unknown value type " + Num(*type) + " at offset " + Num(type_at));
    }
    auto value = ReadValue(static_cast<GgufType>(*type), where);
    if (!value.ok()) return value.status();
    out_.metadata_.push_back(GgufKv{*key, std::move(value).value()});
  }
  return Status::Ok();
}

Result<GgufValue> GgufParser::ReadValue(GgufType type, const std::string& where) {
  auto scalar = [&](auto result) -> Result<GgufValue> {
    if (!result.ok()) return Wrap(where + " value", result.status());
    return GgufValue(*result);
  };
  switch (type) {
    case GgufType::kUint8:
      return scalar(reader_.ReadU8());
    case GgufType::kInt8:
      return scalar(reader_.ReadI8());
    case GgufType::kUint16:
      return scalar(reader_.ReadU16());
    case GgufType::kInt16:
      return scalar(reader_.ReadI16());
    case GgufType::kUint32:
      return scalar(reader_.ReadU32());
    case GgufType::kInt32:
      return scalar(reader_.ReadI32());
    case GgufType::kFloat32:
      return scalar(reader_.ReadF32());
    case GgufType::kUint64:
      return scalar(reader_.ReadU64());
    case GgufType::kInt64:
      return scalar(reader_.ReadI64());
    case GgufType::kFloat64:
      return scalar(reader_.ReadF64());
    case GgufType::kBool: {
      size_t at = reader_.offset();
      auto byte = reader_.ReadU8();
      if (!byte.ok()) return Wrap(where + " value", byte.status());
      if (*byte > 1) return Invalid(where + ": bool value " + Num(*byte) + " at offset " + Num(at));
      return GgufValue(*byte == 1);
    }
    case GgufType::kString: {
      auto text = reader_.ReadString64(kGgufMaxStringBytes);
      if (!text.ok()) return Wrap(where + " value", text.status());
      return GgufValue(*text);
    }
    case GgufType::kArray:
      return ReadArray(where);
  }
  return Invalid(where + ": unknown value type");  // unreachable: the caller checks the code
}

Result<GgufValue> GgufParser::ReadArray(const std::string& where) {
  size_t type_at = reader_.offset();
  auto element_code = reader_.ReadU32();
  if (!element_code.ok()) return Wrap(where + " array type", element_code.status());
  if (*element_code == static_cast<uint32_t>(GgufType::kArray)) {
    return Invalid(where + ": nested arrays are not supported (offset " + Num(type_at) + ")");
  }
  if (*element_code >= kGgufTypeCount) {
    return Invalid(where + ": unknown array element type " + Num(*element_code) + " at offset " +
                   Num(type_at));
  }
  auto element_type = static_cast<GgufType>(*element_code);
  size_t count_at = reader_.offset();
  auto count = reader_.ReadU64();
  if (!count.ok()) return Wrap(where + " array length", count.status());
  // A string element is at least its u64 length.
  size_t element_min =
      element_type == GgufType::kString ? sizeof(uint64_t) : GgufFixedSize(element_type);
  if (*count > reader_.remaining() / element_min) {
    return Invalid(where + ": array of " + Num(*count) + " " +
                   std::string(GgufTypeName(element_type)) + " at offset " + Num(count_at) +
                   " needs at least " + Num(element_min) + " bytes each, only " +
                   Num(reader_.remaining()) + " bytes left");
  }
  size_t start = reader_.offset();
  std::vector<uint64_t> string_starts;
  if (element_type == GgufType::kString) {
    string_starts.reserve(static_cast<size_t>(*count) + 1);
    for (uint64_t i = 0; i < *count; ++i) {
      string_starts.push_back(reader_.offset() - start);
      auto text = reader_.ReadString64(kGgufMaxStringBytes);
      if (!text.ok()) return Wrap(where + " element " + Num(i), text.status());
    }
    string_starts.push_back(reader_.offset() - start);
  } else {
    auto raw = reader_.ReadBytes(*count * element_min);
    if (!raw.ok()) return Wrap(where + " array", raw.status());
    if (element_type == GgufType::kBool) {
      auto bad = std::find_if(raw->begin(), raw->end(), [](uint8_t b) { return b > 1; });
      if (bad != raw->end()) {
        return Invalid(where + ": bool value " + Num(*bad) + " at offset " +
                       Num(start + static_cast<size_t>(bad - raw->begin())));
      }
    }
  }
  auto raw = std::span<const uint8_t>(out_.bytes_.data() + start, reader_.offset() - start);
  return GgufValue(GgufArray(element_type, *count, raw, std::move(string_starts)));
}

Status GgufParser::ReadAlignment() {
  const GgufValue* value = out_.Find("general.alignment");
  if (value == nullptr) return Status::Ok();
  if (value->type() != GgufType::kUint32) {
    return Invalid("general.alignment is " + value->TypeDescription() + ", expected a uint32");
  }
  uint32_t alignment = std::get<uint32_t>(value->storage());
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > kGgufMaxAlignment) {
    return Invalid("general.alignment " + Num(alignment) + " is not a power of two from 1 to " +
                   Num(kGgufMaxAlignment));
  }
  out_.alignment_ = alignment;
  return Status::Ok();
}

Status GgufParser::ReadTensorInfos(uint64_t tensor_count) {
  if (tensor_count > reader_.remaining() / kMinTensorInfoBytes) {
    return Invalid("tensor count " + Num(tensor_count) + " cannot fit in the " +
                   Num(reader_.remaining()) + " bytes after the metadata");
  }
  out_.tensors_.reserve(static_cast<size_t>(tensor_count));
  out_.tensor_index_.reserve(static_cast<size_t>(tensor_count));
  for (uint64_t i = 0; i < tensor_count; ++i) {
    if (Status st = ReadTensorInfo(static_cast<size_t>(i)); !st.ok()) return st;
  }
  return Status::Ok();
}

Status GgufParser::ReadTensorInfo(size_t index) {
  std::string where = "tensor #" + Num(index);
  auto name = reader_.ReadString64(kGgufMaxTensorNameBytes);
  if (!name.ok()) return Wrap(where + " name", name.status());
  if (name->empty()) return Invalid(where + ": empty name");
  where = TensorWhere(*name);
  auto [it, inserted] = out_.tensor_index_.emplace(*name, index);
  if (!inserted) {
    return Invalid("duplicate " + where + " (tensors #" + Num(it->second) + " and #" + Num(index) +
                   ")");
  }
  auto n_dims = reader_.ReadU32();
  if (!n_dims.ok()) return Wrap(where + " dimension count", n_dims.status());
  if (*n_dims == 0 || *n_dims > kGgmlMaxDims) {
    return Invalid(where + ": " + Num(*n_dims) + " dimensions (expected 1 to 4)");
  }
  std::vector<uint64_t> dims(*n_dims);
  for (uint64_t& dim : dims) {
    auto d = reader_.ReadU64();
    if (!d.ok()) return Wrap(where + " dimensions", d.status());
    dim = *d;
  }
  auto type = reader_.ReadU32();
  if (!type.ok()) return Wrap(where + " type", type.status());
  auto offset = reader_.ReadU64();
  if (!offset.ok()) return Wrap(where + " offset", offset.status());
  auto size = GgmlTensorBytes(*type, dims);
  if (!size.ok()) return Invalid(where + ": " + size.status().message());
  if (*offset % out_.alignment_ != 0) {
    return Invalid(where + ": offset " + Num(*offset) + " is not a multiple of the alignment " +
                   Num(out_.alignment_));
  }
  out_.tensors_.push_back(GgufTensor{*name,
                                     static_cast<GgmlType>(*type),
                                     std::move(dims),
                                     size->elements,
                                     *offset,
                                     size->bytes,
                                     {}});
  return Status::Ok();
}

Status GgufParser::PlaceTensors() {
  uint64_t header_end = reader_.offset();
  uint64_t data_offset = (header_end + out_.alignment_ - 1) / out_.alignment_ * out_.alignment_;
  // Vocabulary-only files written by llama.cpp end right after the tensor infos, without the
  // padding: with no tensors there is no data section to start.
  if (out_.tensors_.empty()) data_offset = std::min<uint64_t>(data_offset, reader_.size());
  if (data_offset > reader_.size()) {
    return Invalid("the data section would start at offset " + Num(data_offset) +
                   " (the header ends at " + Num(header_end) + ", padded to the alignment " +
                   Num(out_.alignment_) + "), past the end of the " + Num(reader_.size()) +
                   "-byte file");
  }
  out_.data_offset_ = data_offset;
  uint64_t data_size = reader_.size() - data_offset;
  for (GgufTensor& t : out_.tensors_) {
    uint64_t end = 0;
    if (__builtin_add_overflow(t.offset, t.size_bytes, &end) || end > data_size) {
      return Invalid(TensorWhere(t.name) + ": data at offset " + Num(t.offset) + " of " +
                     Num(t.size_bytes) + " bytes runs past the end of the data section (" +
                     Num(data_size) + " bytes)");
    }
    t.data = out_.bytes_.subspan(static_cast<size_t>(data_offset + t.offset),
                                 static_cast<size_t>(t.size_bytes));
  }
  return CheckOverlaps();
}

Status GgufParser::CheckOverlaps() const {
  const std::vector<GgufTensor>& tensors = out_.tensors_;
  std::vector<size_t> order(tensors.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return tensors[a].offset < tensors[b].offset; });
  for (size_t i = 1; i < order.size(); ++i) {
    const GgufTensor& prev = tensors[order[i - 1]];
    const GgufTensor& cur = tensors[order[i]];
    if (prev.offset + prev.size_bytes > cur.offset) {
      return Invalid(TensorWhere(prev.name) + " (bytes " + Num(prev.offset) + " to " +
                     Num(prev.offset + prev.size_bytes) + ") overlaps " + TensorWhere(cur.name) +
                     " (from byte " + Num(cur.offset) + ") in the data section");
    }
  }
  return Status::Ok();
}

}  // namespace bastion::model
