#pragma once
// Finds a model's weights by their GGUF names and checks each one's shape and type
// against what the architecture expects, so the forward pass never reads past a tensor.

#include <span>
#include <string>

#include "common/status.h"
#include "engine/kernels/matvec.h"
#include "engine/model/tensor_source.h"

namespace bastion::engine {

// An F32 vector tensor of `size` elements. With `required` false, an absent tensor gives an
// empty span.
Result<std::span<const float>> Vector(const TensorSource& source, const std::string& name,
                                      size_t size, bool required);

// Looks weights up one after another and keeps the first error, so a loader reads as a list.
class WeightLoader {
 public:
  explicit WeightLoader(const TensorSource& source) : source_(source) {}

  // A [rows x cols] matrix (GGUF dims {cols, rows}) of a type the kernels handle.
  WeightMatrix Matrix(const std::string& name, size_t rows, size_t cols);
  std::span<const float> Norm(const std::string& name, size_t size);
  std::span<const float> OptionalNorm(const std::string& name, size_t size);
  const Status& status() const { return status_; }

 private:
  const TensorSource& source_;
  Status status_;
};

}  // namespace bastion::engine
