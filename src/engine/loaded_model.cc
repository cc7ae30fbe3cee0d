#include "engine/loaded_model.h"

#include <filesystem>

#include "engine/tokenizer/gguf_vocab.h"

namespace bastion::engine {
namespace {

// "DeepSeek-R1-Distill-Qwen-1.5B" from general.basename and general.size_label, as the Hub
// names repositories; else general.name with spaces as dashes; else the file's name
// (without .gguf).
std::string ModelName(const model::GgufFile& file, const std::string& path) {
  auto text = [&](std::string_view key) -> std::string {
    auto v = file.GetString(key);
    return v.ok() ? std::string(*v) : std::string();
  };
  std::string name = text("general.basename");
  if (!name.empty()) {
    if (std::string size = text("general.size_label"); !size.empty()) name += "-" + size;
  } else {
    name = text("general.name");
  }
  std::string id;
  for (char c : name) {
    if (c == ' ')
      id += '-';
    else if (static_cast<unsigned char>(c) >= 0x20 && c != '/' && c != '"')
      id += c;
  }
  // Converters without metadata name a model after its architecture ("llama"): no id at all.
  if (id.empty() || id.size() > 128 || id == text("general.architecture")) {
    id = std::filesystem::path(path).stem().string();
  }
  return id;
}

}  // namespace

Result<std::unique_ptr<LoadedModel>> LoadModel(const std::string& path, LoadParts parts,
                                               size_t threads, bool reference_kernels) {
  auto file = model::GgufFile::Open(path);
  if (!file.ok()) return file.status();
  auto loaded = std::make_unique<LoadedModel>();
  auto source = std::make_unique<GgufTensorSource>(std::move(*file));
  const model::GgufFile& gguf = source->file();
  loaded->tensors = std::move(source);
  loaded->name = ModelName(gguf, path);
  if (auto t = gguf.GetString("tokenizer.chat_template"); t.ok()) {
    loaded->chat_template = std::string(*t);
  }
  auto in_file = [&](const Status& st) {
    return Status::InvalidArgument(path + ": " + st.message());
  };
  if (parts != LoadParts::kWeights) {
    auto vocab = VocabFromGguf(gguf);
    if (!vocab.ok()) return in_file(vocab.status());
    loaded->vocab = std::move(*vocab);
    auto tokenizer = CreateTokenizer(loaded->vocab);
    if (!tokenizer.ok()) return in_file(tokenizer.status());
    loaded->tokenizer = std::move(*tokenizer);
  }
  if (parts != LoadParts::kTokenizer) {
    auto transformer = Transformer::Load(gguf, threads, reference_kernels);
    if (!transformer.ok()) return in_file(transformer.status());
    loaded->transformer = std::move(*transformer);
  }
  return loaded;
}

}  // namespace bastion::engine
