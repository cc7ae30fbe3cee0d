#pragma once
// Serves a model with the embedded engine: renders the chat prompt natively, hands it to
// the model's runner (a sandboxed worker process, or this process with isolation "none"),
// which tokenizes it (message content never becomes control tokens) and queues it for
// continuous batching, and answers as OpenAI does, whole or streamed, with R1 reasoning
// split into reasoning_content. A client that leaves cancels its request at the engine's
// next step; a worker that dies fails its requests with 502 and is restarted.

#include <atomic>
#include <memory>
#include <string>

#include "common/config.h"
#include "common/metrics.h"
#include "engine/chat/chat_format.h"
#include "engine/serving/model_runner.h"
#include "gateway/backend.h"
#include "sandbox/worker_runner.h"

namespace bastion::gateway {

class EmbeddedBackend : public Backend {
 public:
  // Loads model.path (in a worker unless config.engine.isolation is "none"); errors name
  // the file and what is wrong.
  static Result<std::unique_ptr<EmbeddedBackend>> Create(const ModelConfig& model,
                                                         const Config& config,
                                                         MetricsRegistry& metrics);
  ~EmbeddedBackend() override;

  // The name clients use: the configured one, else the model's own (see LoadedModel::name).
  const std::string& name() const { return name_; }

  http::Awaitable<void> Serve(Exchange& ex, ResponseChannel& out) override;
  bool Ready() const override { return runner_->Ready(); }
  void WriteStatus(JsonWriter& w) const override;
  void Shutdown() override;

 private:
  struct Run;
  EmbeddedBackend() = default;
  engine::PromptSpec Prompt(const Exchange& ex, struct EngineRequest& request) const;
  // Waits until the engine took the request or refused it; what arrived meanwhile goes to
  // `first`. False (after answering with the error) when it was refused or lost.
  http::Awaitable<bool> Started(Run& run, engine::Generation::Update& first);
  http::Awaitable<void> Stream(Run& run, engine::Generation::Update first);
  http::Awaitable<void> Whole(Run& run, engine::Generation::Update first);

  std::string name_;
  std::unique_ptr<engine::ModelRunner> runner_;
  const sandbox::WorkerRunner* worker_ = nullptr;  // runner_, when it is a worker
  bool split_reasoning_ = false;
  engine::SamplingParams defaults_;
  struct Meters {
    Counter* prompt_tokens;
    Counter* completion_tokens;
    Gauge* in_flight;  // requests queued or generating
    Histogram* time_per_output_token;
    std::atomic<Counter*> worker_restarts;  // set after the worker started
  } meters_{};
};

}  // namespace bastion::gateway
