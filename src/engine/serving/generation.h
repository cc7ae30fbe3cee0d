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

#include "common/status.h"
#include "engine/sampling/sampler.h"
#include "engine/tokenizer/vocab.h"

namespace bastion::engine {

enum class FinishReason {
  kNone,    // still running
  kStop,    // an end-of-generation token or a stop string
  kLength,  // max_tokens, or the context is full
  kCancelled,
  kError,     // the engine failed mid-run; see `error`
  kRejected,  // never started (empty prompt, too long, queue full); see `error`, `error_code`
  kAborted,   // the process running it died or was killed; see `error`
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
    std::string error;                              // kError, kRejected and kAborted
    StatusCode error_code = StatusCode::kInternal;  // kRejected: why, as Submit would say
    bool accepted = false;  // the engine took the request (reported by one Take only)
    size_t prompt_tokens = 0;
    size_t completion_tokens = 0;  // so far
    bool empty() const { return text.empty() && tokens.empty() && finish == FinishReason::kNone; }
  };

  explicit Generation(std::function<void()> notify) : notify_(std::move(notify)) {}
  // `on_cancel` runs once, on the first Cancel(): how a remote engine learns of it.
  Generation(std::function<void()> notify, std::function<void()> on_cancel)
      : notify_(std::move(notify)), on_cancel_(std::move(on_cancel)) {}

  // Submitter's side; thread-safe.
  Update Take();
  // The scheduler drops the request before its next step and frees its memory.
  void Cancel() {
    if (!cancelled_.exchange(true) && on_cancel_) on_cancel_();
  }
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
  // The request is queued: `prompt_tokens` counted, as the engine tokenized the prompt.
  void Accept(size_t prompt_tokens);
  // For engines that answer from elsewhere (a worker process): what a remote Generation's
  // Take() returned. Its text, tokens and finish are appended as the scheduler would have.
  void Deliver(Update update);
  // Ends a request that never started; `code` is what a synchronous Submit would have said.
  void Reject(const Status& why);

 private:
  std::mutex mu_;
  Update pending_;                                                        // guarded by mu_
  size_t completion_ = 0;                                                 // guarded by mu_
  std::chrono::steady_clock::time_point first_token_at_, last_token_at_;  // guarded by mu_
  std::atomic<bool> cancelled_{false};
  std::function<void()> notify_;
  std::function<void()> on_cancel_;
};

std::string_view FinishReasonName(FinishReason reason);  // "stop", "length", ...

}  // namespace bastion::engine
