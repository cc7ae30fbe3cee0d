#pragma once
// Continuous batching: one thread runs the model for every request in flight. Each step is
// one Transformer::Step over a batch made of one decode token per generating request and,
// in the room left, the next chunk of waiting prompts, so a long prompt never stalls the
// streams already running and a new request starts at the next step, not after the others
// finish. Requests beyond `parallel` wait in a queue; cancelled ones leave at the next step.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "common/status.h"
#include "engine/model/transformer.h"
#include "engine/serving/generation.h"
#include "engine/tokenizer/tokenizer.h"

namespace bastion::engine {

struct SchedulerOptions {
  size_t context = 4096;   // most tokens per request (prompt + completion); capped by the model
  size_t parallel = 4;     // requests in the batch at once; REQUIRES: 1..Transformer::kMaxBatch
  size_t max_queue = 256;  // waiting requests beyond this are refused
};

class Scheduler {
 public:
  // REQUIRES: model and tokenizer outlive the Scheduler.
  Scheduler(const Transformer& model, const Tokenizer& tokenizer, SchedulerOptions options);
  ~Scheduler();  // fails what is still running or queued, then joins the thread
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // The context a request may use: min(options.context, the model's).
  size_t context() const { return context_; }

  // Queues `request`; `notify` is called on the scheduler's thread whenever the Generation
  // has something new. Fails (without calling notify): InvalidArgument for an empty prompt,
  // ResourceExhausted when the prompt does not fit the context, Unavailable when the queue
  // is full or the scheduler stopped.
  Result<std::shared_ptr<Generation>> Submit(GenerationRequest request,
                                             std::function<void()> notify);

  // Stops taking requests and fails those in flight ("the server is shutting down").
  void Stop();

  size_t active() const;
  size_t queued() const;
  // Model steps run so far: a watchdog's sign of progress. Thread-safe.
  uint64_t steps() const { return steps_.load(std::memory_order_relaxed); }

 private:
  struct Sequence;
  void Run();
  // Moves queued requests into the batch while there is room; drops cancelled ones.
  void Admit(std::vector<std::unique_ptr<Sequence>>& active);
  void RunStep(std::vector<std::unique_ptr<Sequence>>& active);
  // Samples from `logits` for `s` and publishes the token; false when `s` is finished.
  bool Advance(Sequence& s, std::span<float> logits);

  const Transformer& model_;
  const Tokenizer& tokenizer_;
  const SchedulerOptions options_;
  const size_t context_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Sequence>> queue_;  // guarded by mu_
  size_t active_count_ = 0;                      // guarded by mu_
  bool stopping_ = false;                        // guarded by mu_
  std::vector<float> logits_;
  std::atomic<uint64_t> steps_{0};
  std::thread thread_;
};

}  // namespace bastion::engine
