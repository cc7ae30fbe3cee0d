#pragma once
// One request to the engine's scheduler and what comes back from it. The submitter keeps a
// Generation: the scheduler's thread appends output to it and calls `notify`; the submitter
// takes what has arrived whenever it likes, from any thread.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "engine/sampling/sampler.h"
#include "engine/tokenizer/vocab.h"

namespace bastion::engine {

enum class FinishReason {
  kNone,    // still running
  kStop,    // an end-of-generation token or a stop string
  kLength,  // max_tokens, or the context is full
  kCancelled,
  kError,
};

struct GenerationRequest {
  std::vector<TokenId> prompt;  // REQUIRES: not empty
  SamplingParams sampling;
  size_t max_tokens = 0;             // 0: until the context is full
  std::vector<std::string> stop;     // stop strings; the text before one is returned
  std::vector<TokenId> stop_tokens;  // end-of-generation ids; not part of the text
};

class Generation {
 public:
  // What arrived since the last Take().
  struct Update {
    std::string text;                  // released text (never half a character or stop string)
    std::vector<SampledToken> tokens;  // the tokens sampled since, with their logprobs
    FinishReason finish = FinishReason::kNone;
    std::string error;  // kError only
    size_t prompt_tokens = 0;
    size_t completion_tokens = 0;  // so far
    bool empty() const { return text.empty() && tokens.empty() && finish == FinishReason::kNone; }
  };

  explicit Generation(std::function<void()> notify) : notify_(std::move(notify)) {}

  // Submitter's side; thread-safe.
  Update Take();
  // The scheduler drops the request before its next step and frees its memory.
  void Cancel() { cancelled_ = true; }
  bool cancelled() const { return cancelled_; }
  // Seconds per completion token after the first (which the prompt's prefill produced):
  // the time from the first token to the last over the tokens between them. 0 while fewer
  // than two tokens have arrived. Thread-safe.
  double DecodeSecondsPerToken();

  // Scheduler's side; thread-safe. Each call notifies.
  void Append(std::string_view text, SampledToken token);
  // `text`: the last text released (what stop-string matching held back).
  void Finish(FinishReason reason, std::string_view text = "", std::string error = "");
  void SetPromptTokens(size_t n);

 private:
  std::mutex mu_;
  Update pending_;                                                        // guarded by mu_
  size_t completion_ = 0;                                                 // guarded by mu_
  std::chrono::steady_clock::time_point first_token_at_, last_token_at_;  // guarded by mu_
  std::atomic<bool> cancelled_{false};
  std::function<void()> notify_;
};

std::string_view FinishReasonName(FinishReason reason);  // "stop", "length", ...

}  // namespace bastion::engine
