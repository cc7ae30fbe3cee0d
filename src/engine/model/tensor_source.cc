#include "engine/model/tensor_source.h"

namespace bastion::engine {

const SourceTensor* TensorSource::Find(std::string_view name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

uint64_t TensorSource::total_bytes() const {
  uint64_t total = 0;
  for (const auto& [name, t] : tensors_) total += t.data.size();
  return total;
}

GgufTensorSource::GgufTensorSource(const model::GgufFile& file) : file_(&file) { Index(); }

GgufTensorSource::GgufTensorSource(model::GgufFile&& file)
    : owned_(std::move(file)), file_(&*owned_) {
  Index();
}

void GgufTensorSource::Index() {
  for (const auto& t : file_->tensors()) {
    tensors_.emplace(std::string(t.name), SourceTensor{t.type, t.dims, t.data});
  }
}

}  // namespace bastion::engine
