#pragma once
// Reads a Hugging Face tokenizer (tokenizer.json, and tokenizer_config.json beside it) into
// the engine's Vocab, for the kinds of tokenizer the engine runs:
//  - byte-level BPE (Qwen2, Llama 3, DeepSeek-R1-Distill): Vocab.model "gpt2", the
//    pre-tokenizer named from its Split regex: "qwen2" ("deepseek-r1-qwen" when the BOS is
//    <｜begin▁of▁sentence｜>) or "llama-bpe";
//  - SentencePiece-style BPE (Llama 2's tokenizer.json): Vocab.model "llama", each merged
//    token scored by its first merge's rank, <0xXX> tokens typed as bytes under byte_fallback.
// Anything else is refused, naming what the file holds. Both files are untrusted: ids,
// lengths and references are checked, and malformed input gives an error, never a crash.
// Added tokens are matched exactly: their lstrip/rstrip/single_word options are not applied.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/tokenizer/vocab.h"

namespace bastion::engine {

struct HfTokenizerFiles {
  // Ids missing from the file (sparse vocabularies) hold "[PAD<id>]" tokens of type kUnused,
  // as llama.cpp's converter writes them; the vocabulary may be shorter than the model's
  // embedding (Qwen2: 151,665 tokens for 151,936 rows).
  Vocab vocab;
  // tokenizer_config.json's chat_template ("default" of a named list), "" if it has none.
  // Newer models keep it in chat_template.jinja instead, which the caller reads.
  std::string chat_template;
};

// `tokenizer_config_json` may be empty (no such file): then BOS is taken from the
// post-processor's template, EOS stays unset (generation_config.json names it) and
// add_bos defaults to that template (else true for "llama", false for "gpt2").
// `origin` names the model folder in errors.
Result<HfTokenizerFiles> VocabFromTokenizerJson(std::string_view tokenizer_json,
                                                std::string_view tokenizer_config_json,
                                                std::string_view origin);

// Pads `vocab` with "[PAD<id>]" tokens of type kUnused up to the model's embedding rows
// (config.json's vocab_size), as llama.cpp's converter does, so that every id the model can
// emit has a token. Placeholders come after every real token, so a real token with the same
// text keeps its id. Refuses a vocabulary with more tokens than the model has rows.
Status FitVocabToModel(Vocab& vocab, uint32_t model_vocab_size);

}  // namespace bastion::engine
