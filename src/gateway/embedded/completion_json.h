#pragma once
// The JSON of OpenAI chat and text completions, whole and streamed, as the embedded engine
// answers: ids, timestamps, deltas with reasoning_content beside content (DeepSeek's API
// form), logprobs in each endpoint's own shape, usage.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/inference_request.h"

namespace bastion::gateway {

struct TokenLogprobs {
  std::string token;  // the token's bytes (may be part of a UTF-8 character)
  float logprob = 0;
  std::vector<std::pair<std::string, float>> top;  // best first
};

struct Usage {
  size_t prompt_tokens = 0;
  size_t completion_tokens = 0;
};

class CompletionJson {
 public:
  // `request_id` makes the response id ("chatcmpl-…" / "cmpl-…").
  CompletionJson(InferenceKind kind, std::string_view request_id, std::string model,
                 int64_t created);

  // One streamed chunk. `role` only on the first chat chunk; `finish` empty while running.
  std::string Chunk(std::string_view reasoning, std::string_view content, bool role,
                    const std::vector<TokenLogprobs>* logprobs, std::string_view finish) const;
  // The last chunk of a stream with stream_options.include_usage: no choices, the usage.
  std::string UsageChunk(const Usage& usage) const;
  // A whole response.
  std::string Whole(std::string_view reasoning, std::string_view content,
                    const std::vector<TokenLogprobs>* logprobs, std::string_view finish,
                    const Usage& usage) const;

 private:
  class Writer;
  void Head(Writer& w, bool chunk) const;

  InferenceKind kind_;
  std::string id_;
  std::string model_;
  int64_t created_;
};

}  // namespace bastion::gateway
