#include "engine/model/weight_lookup.h"

namespace bastion::engine {
namespace {

std::string Shape(const std::vector<uint64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

}  // namespace

Result<std::span<const float>> Vector(const TensorSource& source, const std::string& name,
                                      size_t size, bool required) {
  const SourceTensor* t = source.Find(name);
  if (t == nullptr) {
    if (!required) return std::span<const float>();
    return Status::InvalidArgument("model has no tensor '" + name + "'");
  }
  if (t->type != model::GgmlType::kF32 || t->dims.size() != 1 || t->dims[0] != size) {
    return Status::InvalidArgument(
        "tensor '" + name + "' is " + std::string(model::GgmlTypeName(t->type)) + " " +
        Shape(t->dims) + ", expected F32 [" + std::to_string(size) + "]");
  }
  return std::span<const float>(reinterpret_cast<const float*>(t->data.data()), size);
}

WeightMatrix WeightLoader::Matrix(const std::string& name, size_t rows, size_t cols) {
  if (!status_.ok()) return {};
  const SourceTensor* t = source_.Find(name);
  if (t == nullptr) {
    status_ = Status::InvalidArgument("model has no tensor '" + name + "'");
    return {};
  }
  if (t->dims.size() != 2 || t->dims[0] != cols || t->dims[1] != rows) {
    status_ = Status::InvalidArgument("tensor '" + name + "' has shape " + Shape(t->dims) +
                                      ", expected [" + std::to_string(cols) + ", " +
                                      std::to_string(rows) + "]");
    return {};
  }
  if (Status st = CheckMatVecType(t->type); !st.ok()) {
    status_ = Status::InvalidArgument("tensor '" + name + "': " + st.message());
    return {};
  }
  return {t->type, rows, cols, t->data};
}

std::span<const float> WeightLoader::Norm(const std::string& name, size_t size) {
  if (!status_.ok()) return {};
  auto v = Vector(source_, name, size, /*required=*/true);
  if (!v.ok()) status_ = v.status();
  return v.ok() ? *v : std::span<const float>();
}

std::span<const float> WeightLoader::OptionalNorm(const std::string& name, size_t size) {
  if (!status_.ok()) return {};
  auto v = Vector(source_, name, size, /*required=*/false);
  if (!v.ok()) status_ = v.status();
  return v.ok() ? *v : std::span<const float>();
}

}  // namespace bastion::engine
