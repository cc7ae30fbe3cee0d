#include "model/safetensors/safetensors_header.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "model/gguf/gguf_parser.h"  // QuoteForMessage
#include "model/safetensors/safetensors_json.h"

namespace bastion::model {
namespace {

namespace json = safetensors_json;
using simdjson::dom::element;

constexpr std::string_view kMetadataKey = "__metadata__";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

Status Invalid(std::string msg) { return Status::InvalidArgument(std::move(msg)); }

std::string Num(uint64_t v) { return std::to_string(v); }

std::string ShapeText(const std::vector<uint64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i == 0 ? "" : ", ") + Num(shape[i]);
  return out + "]";
}

Status CheckStart(std::string_view text) {
  if (text.empty()) return Invalid("the header is empty (its size field is 0)");
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    return Invalid("the header starts with a UTF-8 byte order mark; it must start with '{'");
  }
  if (text[0] != '{') {
    return Invalid("the header starts with " + QuoteForMessage(text.substr(0, 1)) +
                   ", expected '{' (a JSON object)");
  }
  return Status::Ok();
}

// REQUIRES: `json` (the header without its trailing spaces) is one valid JSON object, so
// only JSON whitespace can follow its closing brace.
Status CheckPadding(std::string_view json) {
  size_t close = json.rfind('}');
  for (size_t i = close + 1; i < json.size(); ++i) {
    if (json[i] != ' ') {
      return Invalid("the header is padded with byte " + QuoteForMessage(json.substr(i, 1)) +
                     " at header offset " + Num(i) + "; only spaces may follow the closing '}'");
    }
  }
  return Status::Ok();
}

Status ReadMetadata(element value, std::map<std::string, std::string>& out) {
  const std::string where(kMetadataKey);
  auto members = json::GetObject(value, where);
  if (!members.ok()) return members.status();
  if (Status st = json::CheckUniqueKeys(*members, where); !st.ok()) return st;
  for (auto field : *members) {
    auto text = json::GetString(field.value, where + " entry " + QuoteForMessage(field.key));
    if (!text.ok()) return text.status();
    out.emplace(std::string(field.key), std::string(*text));
  }
  return Status::Ok();
}

Status CheckName(std::string_view name) {
  if (name.empty()) return Invalid("a tensor has an empty name");
  if (name.size() > kSafetensorsMaxNameBytes) {
    return Invalid("tensor " + QuoteForMessage(name) + " has a name of " + Num(name.size()) +
                   " bytes, over the limit of " + Num(kSafetensorsMaxNameBytes));
  }
  return Status::Ok();
}

Result<SafetensorsDtype> ReadDtype(element value, const std::string& where) {
  auto name = json::GetString(value, where + " dtype");
  if (!name.ok()) return name.status();
  if (auto dtype = SafetensorsDtypeFromName(*name)) return *dtype;
  return Invalid(where + " has the unknown dtype " + QuoteForMessage(*name) +
                 " (known: " + std::string(SafetensorsDtypeNames()) + ")");
}

Result<std::vector<uint64_t>> ReadShape(element value, const std::string& where) {
  auto dims = json::GetArray(value, where + " shape");
  if (!dims.ok()) return dims.status();
  if (dims->size() > kSafetensorsMaxRank) {
    return Invalid(where + " has rank " + Num(dims->size()) + ", over the limit of " +
                   Num(kSafetensorsMaxRank));
  }
  std::vector<uint64_t> shape;
  for (element dim : *dims) {
    auto d = json::GetUnsigned(dim, where + " shape[" + Num(shape.size()) + "]");
    if (!d.ok()) return d.status();
    shape.push_back(*d);
  }
  return shape;
}

struct ByteRange {
  uint64_t begin;
  uint64_t end;
};

Result<ByteRange> ReadOffsets(element value, const std::string& where) {
  auto offsets = json::GetArray(value, where + " data_offsets");
  if (!offsets.ok()) return offsets.status();
  if (offsets->size() != 2) {
    return Invalid(where + " data_offsets has " + Num(offsets->size()) +
                   " elements, expected 2 ([begin, end])");
  }
  uint64_t bounds[2] = {0, 0};
  size_t i = 0;
  for (element bound : *offsets) {
    auto v = json::GetUnsigned(bound, where + " data_offsets[" + Num(i) + "]");
    if (!v.ok()) return v.status();
    bounds[i++] = *v;
  }
  const uint64_t begin = bounds[0];
  const uint64_t end = bounds[1];
  if (end < begin) {
    return Invalid(where + " data_offsets [" + Num(begin) + ", " + Num(end) +
                   "] end before they begin");
  }
  return ByteRange{begin, end};
}

// The tensor's size in bytes, refusing shapes whose size does not fit in 64 bits.
Result<uint64_t> TensorBytes(SafetensorsDtype dtype, const std::vector<uint64_t>& shape,
                             const std::string& where) {
  uint64_t elements = 1;
  for (uint64_t dim : shape) {
    if (__builtin_mul_overflow(elements, dim, &elements)) {
      return Invalid(where + " shape " + ShapeText(shape) + " has 2^64 or more elements");
    }
  }
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(elements, SafetensorsDtypeSize(dtype), &bytes)) {
    return Invalid(where + " shape " + ShapeText(shape) + " of " +
                   std::string(SafetensorsDtypeName(dtype)) + " takes 2^64 or more bytes");
  }
  return bytes;
}

// The members of a tensor entry, each present at most once.
struct TensorMembers {
  std::optional<element> dtype;
  std::optional<element> shape;
  std::optional<element> data_offsets;
};

Result<TensorMembers> ReadMembers(element value, const std::string& where) {
  auto members = json::GetObject(value, where);
  if (!members.ok()) return members.status();
  if (Status st = json::CheckUniqueKeys(*members, where); !st.ok()) return st;
  TensorMembers out;
  for (auto field : *members) {
    if (field.key == "dtype") {
      out.dtype = field.value;
    } else if (field.key == "shape") {
      out.shape = field.value;
    } else if (field.key == "data_offsets") {
      out.data_offsets = field.value;
    } else {
      return Invalid(where + " has the unknown member " + QuoteForMessage(field.key) +
                     " (expected only dtype, shape and data_offsets)");
    }
  }
  const char* missing = !out.dtype          ? "dtype"
                        : !out.shape        ? "shape"
                        : !out.data_offsets ? "data_offsets"
                                            : nullptr;
  if (missing != nullptr) return Invalid(where + " has no " + missing);
  return out;
}

Result<SafetensorsTensor> ReadTensor(std::string_view name, element value) {
  if (Status st = CheckName(name); !st.ok()) return st;
  const std::string where = "tensor " + QuoteForMessage(name);
  auto members = ReadMembers(value, where);
  if (!members.ok()) return members.status();
  auto dtype = ReadDtype(*members->dtype, where);
  if (!dtype.ok()) return dtype.status();
  auto shape = ReadShape(*members->shape, where);
  if (!shape.ok()) return shape.status();
  auto range = ReadOffsets(*members->data_offsets, where);
  if (!range.ok()) return range.status();
  auto bytes = TensorBytes(*dtype, *shape, where);
  if (!bytes.ok()) return bytes.status();
  if (*bytes != range->end - range->begin) {
    return Invalid(where + " shape " + ShapeText(*shape) + " of " +
                   std::string(SafetensorsDtypeName(*dtype)) + " takes " + Num(*bytes) +
                   " bytes, but its data_offsets [" + Num(range->begin) + ", " + Num(range->end) +
                   "] hold " + Num(range->end - range->begin));
  }
  return SafetensorsTensor{std::string(name), *dtype, std::move(shape).value(),
                           range->begin,      *bytes, {}};
}

}  // namespace

Result<SafetensorsHeader> ParseSafetensorsHeader(std::string_view text) {
  if (Status st = CheckStart(text); !st.ok()) return st;
  std::string_view json = text.substr(0, text.find_last_not_of(' ') + 1);
  simdjson::dom::parser parser;
  auto root = json::ParseObject(parser, json, "the header");
  if (!root.ok()) return root.status();
  if (Status st = CheckPadding(json); !st.ok()) return st;
  if (Status st = json::CheckUniqueKeys(*root, "the header"); !st.ok()) return st;
  SafetensorsHeader out;
  for (auto field : *root) {
    if (field.key == kMetadataKey) {
      if (Status st = ReadMetadata(field.value, out.metadata); !st.ok()) return st;
      continue;
    }
    auto tensor = ReadTensor(field.key, field.value);
    if (!tensor.ok()) return tensor.status();
    out.tensors.push_back(std::move(tensor).value());
  }
  return out;
}

}  // namespace bastion::model
