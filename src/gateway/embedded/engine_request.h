#pragma once
// What the embedded engine needs from a chat or text completion request: the messages or the
// prompt, and the sampling knobs the client set (unset ones take the model's defaults).
// The body has passed ParseInferenceRequest; this adds the engine's own limits (one choice,
// text content only, no tools) as OpenAI-style 400s.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chat/chat_format.h"
#include "engine/sampling/sampler.h"
#include "gateway/api_error.h"
#include "gateway/inference_request.h"

namespace bastion::gateway {

struct EngineRequest {
  std::vector<engine::ChatMessage> messages;  // chat
  std::string prompt;                         // completion, as text
  std::vector<int64_t> prompt_tokens;         // completion, as token ids (checked later)
  std::optional<float> temperature, top_p, min_p, repetition_penalty;
  std::optional<int> top_k;
  float frequency_penalty = 0, presence_penalty = 0;
  std::optional<uint64_t> seed;
  std::vector<std::string> stop;
  bool logprobs = false;
  int top_logprobs = 0;

  // The sampling parameters: the request's where set, else `defaults`.
  engine::SamplingParams Sampling(const engine::SamplingParams& defaults) const;
};

// REQUIRES: `body` passed ParseInferenceRequest(kind, ...).
std::optional<ApiError> ParseEngineRequest(InferenceKind kind, std::string_view body,
                                           EngineRequest& out);

}  // namespace bastion::gateway
