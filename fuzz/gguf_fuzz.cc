// Model files are untrusted bytes: GGUF parsing, then every accessor the engine and the
// scanner use, reading every string, array element and tensor byte the parse accepted.
#include <cstddef>
#include <cstdint>
#include <span>

#include "model/gguf/gguf_file.h"

namespace {

uint64_t TouchArray(const bastion::model::GgufArray& a) {
  using bastion::model::GgufType;
  uint64_t sum = a.raw().size();
  for (size_t i = 0; i < a.size(); ++i) {
    if (a.element_type() == GgufType::kString) {
      std::string_view s = a.StringAt(i);
      sum += s.size() + (s.empty() ? 0 : static_cast<uint8_t>(s.back()));
    } else if (a.element_type() == GgufType::kBool) {
      sum += a.BoolAt(i);
    } else {
      sum += a.IntAt(i).value_or(0) + a.UintAt(i).value_or(0) +
             static_cast<uint64_t>(a.FloatAt(i).value_or(0) != 0);
    }
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion::model;
  auto file = GgufFile::Parse(std::span<const uint8_t>(data, size));
  if (!file.ok()) return 0;
  volatile uint64_t sink = file->version() + file->alignment() + file->data_offset();
  for (const GgufKv& kv : file->metadata()) {
    sink = sink + (file->Find(kv.key) == &kv.value);
    (void)file->GetString(kv.key);
    (void)file->GetUint(kv.key);
    (void)file->GetInt(kv.key);
    (void)file->GetFloat(kv.key);
    (void)file->GetBool(kv.key);
    (void)file->GetStringArray(kv.key);
    (void)file->GetFloatArray(kv.key);
    (void)file->GetIntArray(kv.key);
    sink = sink + kv.value.TypeDescription().size();
    if (const GgufArray* a = kv.value.AsArray()) sink = sink + TouchArray(*a);
  }
  for (const GgufTensor& t : file->tensors()) {
    sink = sink + (file->FindTensor(t.name) == &t) + GgmlTypeName(t.type).size();
    for (uint8_t b : t.data) sink = sink + b;
  }
  (void)file->GetString("tokenizer.ggml.model");
  return 0;
}
