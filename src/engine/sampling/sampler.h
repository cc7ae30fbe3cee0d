#pragma once
// Picks the next token from a model's logits, as OpenAI-style APIs define the knobs:
// penalties first (repetition as in HF/vLLM, frequency and presence as in OpenAI), then
// temperature, then top-k, top-p and min-p, then a draw from what is left. Temperature 0
// is greedy. The same seed and the same logits give the same choice on every machine.
// One Sampler per sequence; not thread-safe.

#include <cstdint>
#include <span>
#include <vector>

#include "engine/tokenizer/vocab.h"

namespace bastion::engine {

struct SamplingParams {
  float temperature = 1.0f;  // 0: greedy
  int top_k = 0;             // 0: off
  float top_p = 1.0f;        // 1: off
  float min_p = 0.0f;        // 0: off; keeps tokens with p >= min_p * p(best)
  float repetition_penalty = 1.0f;
  float frequency_penalty = 0.0f;
  float presence_penalty = 0.0f;
  uint64_t seed = 0;
  int top_logprobs = 0;  // how many alternatives to report, 0-20
};

struct TokenLogprob {
  TokenId id;
  float logprob;  // of the model's distribution, before any sampling knob
};

struct SampledToken {
  TokenId id;
  float logprob;
  std::vector<TokenLogprob> top;  // top_logprobs best, best first
};

class Sampler {
 public:
  explicit Sampler(const SamplingParams& params);

  // `logits` is modified (penalties, temperature). `history` holds the tokens seen so far
  // (prompt and output) for the penalties.
  SampledToken Sample(std::span<float> logits, std::span<const TokenId> history);

 private:
  struct Candidate {
    TokenId id;
    float logit;
  };
  void ApplyPenalties(std::span<float> logits, std::span<const TokenId> history) const;
  void TopLogprobs(std::span<const float> logits, SampledToken& out) const;
  TokenId Draw(std::span<const float> logits);
  double NextUniform();  // [0, 1), portable

  SamplingParams params_;
  uint64_t state_;  // splitmix64
  std::vector<Candidate> candidates_;
};

}  // namespace bastion::engine
