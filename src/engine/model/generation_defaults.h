#pragma once
// The sampling a model's authors recommend (Hugging Face generation_config.json), as stated:
// a knob the file leaves out stays unset, so the caller's own default (or the request's
// value) applies. Values are range-checked when read.

#include <optional>
#include <vector>

#include "engine/tokenizer/vocab.h"

namespace bastion::engine {

struct GenerationDefaults {
  std::optional<float> temperature;  // 0 when the file says do_sample: false (greedy)
  std::optional<float> top_p;
  std::optional<int> top_k;
  std::optional<float> repetition_penalty;
  std::optional<TokenId> bos_id;
  std::vector<TokenId> eos_ids;  // any of them ends generation; may be empty
};

}  // namespace bastion::engine
