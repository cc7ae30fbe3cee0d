#pragma once
// Where the transformer's weights come from: tensors under their GGUF names, in GGUF's
// dimension order (dims[0] varies fastest), with their bytes in place (mapped from the file)
// or converted at load time and owned by the source. GGUF files give their tensors as they
// are; Hugging Face safetensors folders are renamed into this form (safetensors_source.h).

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/gguf/gguf_file.h"

namespace bastion::engine {

struct SourceTensor {
  model::GgmlType type;
  std::vector<uint64_t> dims;
  std::span<const uint8_t> data;
};

class TensorSource {
 public:
  virtual ~TensorSource() = default;
  // nullptr when absent.
  const SourceTensor* Find(std::string_view name) const;
  // Bytes of every tensor (what the forward pass reads per token, roughly).
  uint64_t total_bytes() const;
  // The caller copied `data` (one tensor's bytes, as Find gave them) and will not read them
  // again: a source frees its own copy, or drops mapped pages from the process's memory (they
  // come back from the file if anything touches them). Bytes it does not own or map stay.
  // Find keeps describing the tensor (type, dims, size), but nobody may read its bytes again.
  virtual void ReleaseBytes(std::span<const uint8_t> data) = 0;

 protected:
  std::map<std::string, SourceTensor, std::less<>> tensors_;
};

// Drops the whole pages inside `data`, which must be a read-only file mapping.
void ReleaseMappedPages(std::span<const uint8_t> data);

// A GGUF file's tensors, borrowed or owned.
class GgufTensorSource : public TensorSource {
 public:
  explicit GgufTensorSource(const model::GgufFile& file);  // REQUIRES: file outlives this
  explicit GgufTensorSource(model::GgufFile&& file);
  const model::GgufFile& file() const { return *file_; }
  void ReleaseBytes(std::span<const uint8_t> data) override;

 private:
  void Index();
  std::optional<model::GgufFile> owned_;
  const model::GgufFile* file_;
};

}  // namespace bastion::engine
