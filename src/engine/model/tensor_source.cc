#include "engine/model/tensor_source.h"

#include <sys/mman.h>
#include <unistd.h>

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

void ReleaseMappedPages(std::span<const uint8_t> data) {
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<uintptr_t>(data.data()) + page - 1) / page * page;
  const auto end = (reinterpret_cast<uintptr_t>(data.data()) + data.size()) / page * page;
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

void GgufTensorSource::ReleaseBytes(std::span<const uint8_t> data) {
  if (file_->mapped()) ReleaseMappedPages(data);
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
