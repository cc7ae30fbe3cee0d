#pragma once
// Rewrites OpenAI chat completion responses from an R1-style upstream (reasoning inline in
// content, inside <think>...</think>) into DeepSeek API form: message.reasoning_content
// beside message.content, and the same split in streamed deltas. Upstreams that already
// return reasoning_content (vLLM with --reasoning-parser, llama.cpp's server) pass through.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "gateway/reasoning/think_splitter.h"

namespace bastion::gateway {

// One per streamed response.
class ReasoningStreamRewriter {
 public:
  // Rewrites one chunk's JSON in place. Chunks it does not understand are left as they are.
  void Rewrite(std::string& chunk_json);

 private:
  std::map<int64_t, ThinkSplitter> splitters_;  // by choice index
  bool upstream_splits_ = false;
};

// Rewrites a whole (non-streamed) chat completion body in place.
void RewriteReasoningResponse(std::string& body_json);

}  // namespace bastion::gateway
