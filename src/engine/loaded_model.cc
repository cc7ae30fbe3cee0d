#include "engine/loaded_model.h"

#include "engine/tokenizer/gguf_vocab.h"

namespace bastion::engine {

Result<std::unique_ptr<LoadedModel>> LoadModel(const std::string& path, LoadParts parts,
                                               size_t threads, bool reference_kernels) {
  auto file = model::GgufFile::Open(path);
  if (!file.ok()) return file.status();
  auto loaded = std::make_unique<LoadedModel>(std::move(*file));
  auto in_file = [&](const Status& st) {
    return Status::InvalidArgument(path + ": " + st.message());
  };
  if (parts != LoadParts::kWeights) {
    auto vocab = VocabFromGguf(loaded->file);
    if (!vocab.ok()) return in_file(vocab.status());
    loaded->vocab = std::move(*vocab);
    auto tokenizer = CreateTokenizer(loaded->vocab);
    if (!tokenizer.ok()) return in_file(tokenizer.status());
    loaded->tokenizer = std::move(*tokenizer);
  }
  if (parts != LoadParts::kTokenizer) {
    auto transformer = Transformer::Load(loaded->file, threads, reference_kernels);
    if (!transformer.ok()) return in_file(transformer.status());
    loaded->transformer = std::move(*transformer);
  }
  return loaded;
}

}  // namespace bastion::engine
