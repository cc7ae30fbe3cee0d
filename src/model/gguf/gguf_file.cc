#include "model/gguf/gguf_file.h"

#include <utility>

#include "model/gguf/gguf_parser.h"

namespace bastion::model {

Result<GgufFile> GgufFile::Open(const std::string& path) {
  auto mapping = MappedFile::Open(path);
  if (!mapping.ok()) return mapping.status();
  GgufFile file;
  if (Status st = GgufParser(mapping->bytes(), file).Run(); !st.ok()) {
    return Status::InvalidArgument(st.message() + " (in " + path + ")");
  }
  file.mapping_ = std::move(mapping).value();
  return file;
}

Result<GgufFile> GgufFile::Parse(std::span<const uint8_t> bytes) {
  GgufFile file;
  if (Status st = GgufParser(bytes, file).Run(); !st.ok()) return st;
  return file;
}

const GgufValue* GgufFile::Find(std::string_view key) const {
  auto it = metadata_index_.find(key);
  return it == metadata_index_.end() ? nullptr : &metadata_[it->second].value;
}

const GgufTensor* GgufFile::FindTensor(std::string_view name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

Result<const GgufValue*> GgufFile::FindOrNotFound(std::string_view key) const {
  const GgufValue* value = Find(key);
  if (value == nullptr) return Status::NotFound("gguf: no metadata key " + QuoteForMessage(key));
  return value;
}

Status GgufFile::WrongType(std::string_view key, const GgufValue& value,
                           std::string_view want) const {
  return Status::InvalidArgument("gguf: " + QuoteForMessage(key) + " is " +
                                 value.TypeDescription() + ", expected " + std::string(want));
}

Result<std::string_view> GgufFile::GetString(std::string_view key) const {
  auto value = FindOrNotFound(key);
  if (!value.ok()) return value.status();
  if (auto s = (*value)->AsString()) return *s;
  return WrongType(key, **value, "a string");
}

Result<uint64_t> GgufFile::GetUint(std::string_view key) const {
  auto value = FindOrNotFound(key);
  if (!value.ok()) return value.status();
  if (auto v = (*value)->AsUint()) return *v;
  if (IsGgufInteger((*value)->type())) {
    return Status::InvalidArgument("gguf: " + QuoteForMessage(key) + " is negative, expected " +
                                   "an unsigned integer");
  }
  return WrongType(key, **value, "an unsigned integer");
}

Result<int64_t> GgufFile::GetInt(std::string_view key) const {
  auto value = FindOrNotFound(key);
  if (!value.ok()) return value.status();
  if (auto v = (*value)->AsInt()) return *v;
  if (IsGgufInteger((*value)->type())) {
    return Status::InvalidArgument("gguf: " + QuoteForMessage(key) + " is a uint64 too large " +
                                   "for a signed 64-bit integer");
  }
  return WrongType(key, **value, "an integer");
}

Result<double> GgufFile::GetFloat(std::string_view key) const {
  auto value = FindOrNotFound(key);
  if (!value.ok()) return value.status();
  if (auto v = (*value)->AsFloat()) return *v;
  return WrongType(key, **value, "a float");
}

Result<bool> GgufFile::GetBool(std::string_view key) const {
  auto value = FindOrNotFound(key);
  if (!value.ok()) return value.status();
  if (auto v = (*value)->AsBool()) return *v;
  return WrongType(key, **value, "a bool");
}

Result<const GgufArray*> GgufFile::GetArray(std::string_view key) const {
  auto value = FindOrNotFound(key);
  if (!value.ok()) return value.status();
  if (const GgufArray* a = (*value)->AsArray()) return a;
  return WrongType(key, **value, "an array");
}

Result<std::vector<std::string_view>> GgufFile::GetStringArray(std::string_view key) const {
  auto array = GetArray(key);
  if (!array.ok()) return array.status();
  const GgufArray& a = **array;
  if (a.element_type() != GgufType::kString) return WrongType(key, *Find(key), "strings");
  std::vector<std::string_view> out;
  out.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) out.push_back(a.StringAt(i));
  return out;
}

Result<std::vector<float>> GgufFile::GetFloatArray(std::string_view key) const {
  auto array = GetArray(key);
  if (!array.ok()) return array.status();
  const GgufArray& a = **array;
  if (a.element_type() != GgufType::kFloat32 && a.element_type() != GgufType::kFloat64) {
    return WrongType(key, *Find(key), "floats");
  }
  std::vector<float> out;
  out.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) out.push_back(static_cast<float>(*a.FloatAt(i)));
  return out;
}

Result<std::vector<int64_t>> GgufFile::GetIntArray(std::string_view key) const {
  auto array = GetArray(key);
  if (!array.ok()) return array.status();
  const GgufArray& a = **array;
  if (!IsGgufInteger(a.element_type())) return WrongType(key, *Find(key), "integers");
  std::vector<int64_t> out;
  out.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    std::optional<int64_t> v = a.IntAt(i);
    if (!v) {
      return Status::InvalidArgument("gguf: " + QuoteForMessage(key) + " element " +
                                     std::to_string(i) + " is too large for int64");
    }
    out.push_back(*v);
  }
  return out;
}

}  // namespace bastion::model
