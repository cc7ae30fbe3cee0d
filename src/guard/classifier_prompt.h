#pragma once
// The second stage's question and how its answer is read. A served model (Llama Guard, a
// HarmBench-style classifier, or the served DeepSeek itself) is asked about a request the fast
// stage found uncertain; the question is phrased so that both classifier models and
// general chat models answer with one word.

#include <optional>
#include <string>
#include <string_view>

#include "guard/category.h"

namespace bastion::guard {

// The rule id a classifier finding carries, with the category the fast stage doubted:
// "jailbreak.llm_classifier", "injection.llm_classifier", "harm.llm_classifier".
std::string_view ClassifierRuleId(Category c);

// A /v1/chat/completions body for `model` asking whether `text` is safe.
std::string ClassifierRequestBody(std::string_view model, std::string_view text);

// true: unsafe; false: safe; nothing: the answer says neither (the model is not a classifier,
// or it was cut off). Accepts "unsafe"/"safe" (Llama Guard, with its category codes after),
// and "yes"/"no" (HarmBench-style judges: yes means unsafe), ignoring case, whitespace,
// punctuation and a leading <think>...</think> block (R1).
std::optional<bool> ParseClassifierAnswer(std::string_view answer);

}  // namespace bastion::guard
