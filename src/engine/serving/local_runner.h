#pragma once
// The engine in this process: loads a model (GGUF file or Hugging Face folder), tokenizes
// prompts, and runs them on its Scheduler. Used by the worker process, and by the gateway
// itself when `engine.isolation = "none"`.

#include <memory>
#include <string>

#include "engine/loaded_model.h"
#include "engine/serving/model_runner.h"
#include "engine/serving/scheduler.h"

namespace bastion::engine {

struct LocalRunnerOptions {
  std::string path;  // GGUF file or Hugging Face folder
  bool quantize_q8_0 = false;
  size_t threads = 0;  // 0: one per core
  SchedulerOptions scheduler;
};

class LocalRunner : public ModelRunner {
 public:
  // Loads the model; errors name the file and what is wrong.
  static Result<std::unique_ptr<LocalRunner>> Create(const LocalRunnerOptions& options);
  ~LocalRunner() override;

  const RunnerInfo& info() const override { return info_; }
  Result<std::shared_ptr<Generation>> Submit(RunnerJob job, std::function<void()> notify) override;
  std::string TokenText(TokenId id) const override { return model_->tokenizer->Decode(id); }
  bool Ready() const override { return true; }
  size_t active() const override { return scheduler_->active(); }
  size_t queued() const override { return scheduler_->queued(); }
  void Stop() override { scheduler_->Stop(); }

  // Model steps run so far (see Scheduler::steps).
  uint64_t steps() const { return scheduler_->steps(); }

 private:
  LocalRunner() = default;
  // The prompt's token ids; InvalidArgument for ids outside the vocabulary.
  Status Tokenize(const PromptSpec& prompt, std::vector<TokenId>& out) const;

  std::unique_ptr<LoadedModel> model_;
  std::unique_ptr<Scheduler> scheduler_;
  RunnerInfo info_;
  std::vector<TokenId> stop_tokens_;
};

}  // namespace bastion::engine
