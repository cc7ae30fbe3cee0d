#pragma once
// MappedFile: a whole file mapped read-only (mmap), unmapped when the object dies. Move-only.
// Model files are mapped rather than read so that gigabytes of weights cost no copy and the
// kernel can page them in and out.
//
// The mapping's bytes stay at the same address for the object's life, also across moves, so
// views into them survive moving the MappedFile. If another process truncates the file while
// it is mapped, touching the lost pages raises SIGBUS: model files are expected to be
// read-only (bastion's model store is).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/status.h"

namespace bastion::model {

class MappedFile {
 public:
  // Refuses directories, empty files and anything that is not a regular file.
  static Result<MappedFile> Open(const std::string& path);

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::span<const uint8_t> bytes() const { return {data_, size_}; }

 private:
  MappedFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  void Unmap();

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace bastion::model
