#include "engine/loaded_model.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/model/hf_config.h"
#include "engine/model/safetensors_source.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/hf_tokenizer_json.h"

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

// A small text file of the model folder; "" when absent and not `required`.
Result<std::string> ReadFolderFile(const std::filesystem::path& dir, const char* name,
                                   bool required, uintmax_t max_bytes) {
  const std::filesystem::path path = dir / name;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (!required) return std::string();
    return Status::NotFound(dir.string() + ": no " + name +
                            " (a Hugging Face model folder holds config.json, tokenizer.json "
                            "and the *.safetensors weights)");
  }
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size > max_bytes) {
    return Status::InvalidArgument(
        path.string() + ": " +
        (ec ? ec.message() : "larger than " + std::to_string(max_bytes) + " bytes"));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::IoError("cannot read " + path.string());
  return text.str();
}

// A Hugging Face folder: config.json, tokenizer.json (+ tokenizer_config.json,
// chat_template.jinja, generation_config.json when present) and the safetensors weights.
Result<std::unique_ptr<LoadedModel>> LoadFolder(const std::string& path, LoadParts parts,
                                                size_t threads, bool reference_kernels,
                                                bool quantize_q8_0) {
  const std::filesystem::path dir(path);
  auto loaded = std::make_unique<LoadedModel>();
  loaded->name = std::filesystem::path(path).filename().string();
  if (loaded->name.empty()) loaded->name = dir.parent_path().filename().string();
  auto config_text = ReadFolderFile(dir, "config.json", true, 1 << 20);
  if (!config_text.ok()) return config_text.status();
  auto config = ModelConfigFromHfConfig(*config_text, (dir / "config.json").string());
  if (!config.ok()) return config.status();
  auto generation = ReadFolderFile(dir, "generation_config.json", false, 1 << 20);
  if (!generation.ok()) return generation.status();
  if (!generation->empty()) {
    auto defaults = GenerationDefaultsFromHf(*generation);
    if (!defaults.ok()) {
      return Status::InvalidArgument((dir / "generation_config.json").string() + ": " +
                                     defaults.status().message());
    }
    loaded->defaults = std::move(*defaults);
  }
  if (parts != LoadParts::kWeights) {
    auto tokenizer_json = ReadFolderFile(dir, "tokenizer.json", true, 64 << 20);
    if (!tokenizer_json.ok()) return tokenizer_json.status();
    auto tokenizer_config = ReadFolderFile(dir, "tokenizer_config.json", false, 16 << 20);
    if (!tokenizer_config.ok()) return tokenizer_config.status();
    auto files = VocabFromTokenizerJson(*tokenizer_json, *tokenizer_config, path);
    if (!files.ok()) return files.status();
    loaded->vocab = std::move(files->vocab);
    loaded->chat_template = std::move(files->chat_template);
    if (loaded->chat_template.empty()) {
      auto jinja = ReadFolderFile(dir, "chat_template.jinja", false, 1 << 20);
      if (!jinja.ok()) return jinja.status();
      loaded->chat_template = std::move(*jinja);
    }
    if (Status st = FitVocabToModel(loaded->vocab, config->config.vocab_size); !st.ok()) {
      return Status::InvalidArgument(path + ": " + st.message());
    }
    if (!loaded->vocab.eos && !loaded->defaults.eos_ids.empty()) {
      loaded->vocab.eos = loaded->defaults.eos_ids.front();
    }
    auto tokenizer = CreateTokenizer(loaded->vocab);
    if (!tokenizer.ok()) return Status::InvalidArgument(path + ": " + tokenizer.status().message());
    loaded->tokenizer = std::move(*tokenizer);
  }
  if (parts != LoadParts::kTokenizer) {
    auto source = SafetensorsSource::Open(path, quantize_q8_0);
    if (!source.ok()) return source.status();
    loaded->tensors = std::move(*source);
    auto transformer =
        Transformer::Load(*loaded->tensors, config->config, threads, reference_kernels);
    if (!transformer.ok())
      return Status::InvalidArgument(path + ": " + transformer.status().message());
    loaded->transformer = std::move(*transformer);
  }
  return loaded;
}

}  // namespace

Result<std::unique_ptr<LoadedModel>> LoadModel(const std::string& path, LoadParts parts,
                                               size_t threads, bool reference_kernels,
                                               bool quantize_q8_0) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return LoadFolder(path, parts, threads, reference_kernels, quantize_q8_0);
  }
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
