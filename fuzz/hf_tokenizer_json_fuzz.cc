// A Hugging Face model folder's JSON files are untrusted bytes: the input is read as
// tokenizer.json (no tokenizer_config.json), as tokenizer_config.json beside a small valid
// tokenizer.json, as config.json and as generation_config.json. Whatever is accepted must
// hold together (one type per token, special ids and merges within the vocabulary).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/model/hf_config.h"
#include "engine/tokenizer/hf_tokenizer_json.h"

namespace {

constexpr std::string_view kTinyTokenizer = R"({"added_tokens": [
  {"id": 4, "content": "<s>", "special": true}, {"id": 5, "content": "</s>", "special": true}],
  "normalizer": null,
  "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex":
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
    "behavior": "Isolated", "invert": false},
    {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]},
  "decoder": {"type": "ByteLevel"},
  "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "c": 3}, "merges": ["a b"]}})";

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void CheckVocab(const bastion::engine::Vocab& v) {
  using bastion::engine::TokenId;
  const size_t n = v.tokens.size();
  Check(n > 0 && v.types.size() == n);
  Check(v.model == "gpt2" ? v.scores.empty() : v.scores.size() == n && v.merges.empty());
  for (const auto& id : {v.bos, v.eos, v.unknown, v.padding}) {
    Check(!id || (*id >= 0 && static_cast<size_t>(*id) < n));
  }
  for (const auto& m : v.merges) Check(m.find(' ') != std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion::engine;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto files = VocabFromTokenizerJson(text, "", "fuzz"); files.ok()) CheckVocab(files->vocab);
  if (auto files = VocabFromTokenizerJson(kTinyTokenizer, text, "fuzz"); files.ok()) {
    CheckVocab(files->vocab);
  }
  if (auto config = ModelConfigFromHfConfig(text, "fuzz"); config.ok()) {
    const ModelConfig& c = config->config;
    Check(c.heads > 0 && c.kv_heads > 0 && c.embedding % c.heads == 0 &&
          c.heads % c.kv_heads == 0 && c.head_dim * c.heads == c.embedding);
  }
  if (auto defaults = GenerationDefaultsFromHf(text); defaults.ok()) {
    Check(!defaults->top_p || *defaults->top_p > 0);
  }
  return 0;
}
