#pragma once
// Serves a model with the in-process engine: renders the chat prompt natively, tokenizes
// (message content never becomes control tokens), queues the request on the model's
// Scheduler (continuous batching), and answers as OpenAI does, whole or streamed, with
// R1 reasoning split into reasoning_content. A client that leaves cancels its request at
// the engine's next step.

#include <memory>
#include <string>

#include "common/config.h"
#include "common/metrics.h"
#include "engine/chat/chat_format.h"
#include "engine/loaded_model.h"
#include "engine/serving/scheduler.h"
#include "gateway/backend.h"

namespace bastion::gateway {

class EmbeddedBackend : public Backend {
 public:
  // Loads model.path; errors name the file and what is wrong.
  static Result<std::unique_ptr<EmbeddedBackend>> Create(const ModelConfig& model,
                                                         const EngineConfig& engine,
                                                         MetricsRegistry& metrics);
  ~EmbeddedBackend() override;

  // The name clients use: the configured one, else the model's own (see LoadedModel::name).
  const std::string& name() const { return name_; }

  http::Awaitable<void> Serve(Exchange& ex, ResponseChannel& out) override;
  bool Ready() const override { return true; }
  void WriteStatus(JsonWriter& w) const override;
  void Shutdown() override;

 private:
  struct Run;
  EmbeddedBackend() = default;
  // The prompt's token ids, or the 400 to answer with.
  std::optional<ApiError> Prompt(const Exchange& ex, const struct EngineRequest& request,
                                 std::vector<engine::TokenId>& out) const;
  http::Awaitable<void> Stream(Run& run);
  http::Awaitable<void> Whole(Run& run);

  std::string name_;
  std::unique_ptr<engine::LoadedModel> model_;
  std::unique_ptr<engine::Scheduler> scheduler_;
  engine::ChatFormat format_ = engine::ChatFormat::kChatMl;
  std::string bos_text_;  // rendered at the start of chat prompts by formats that use it
  bool split_reasoning_ = false;
  engine::SamplingParams defaults_;
  std::vector<engine::TokenId> stop_tokens_;
  struct Meters {
    Counter* prompt_tokens;
    Counter* completion_tokens;
    Gauge* in_flight;  // requests queued or generating
    Histogram* time_per_output_token;
  } meters_{};
};

}  // namespace bastion::gateway
