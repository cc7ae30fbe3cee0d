#pragma once
// Reads a tokenizer vocabulary from GGUF metadata (`tokenizer.ggml.*`), checking every array
// against the token count: a vocabulary whose types, scores or special ids do not fit is
// refused, not indexed out of bounds.

#include "common/status.h"
#include "engine/tokenizer/vocab.h"
#include "model/gguf/gguf_file.h"

namespace bastion::engine {

Result<Vocab> VocabFromGguf(const model::GgufFile& file);

}  // namespace bastion::engine
