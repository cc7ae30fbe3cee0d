#pragma once
// What serves one model's requests, seen from the gateway: a LocalRunner (the engine in this
// process) or a sandbox::WorkerRunner (the same engine in a confined worker process). The
// gateway renders chat prompts; the runner tokenizes them, so only the runner reads the
// model's files.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/chat/chat_format.h"
#include "engine/model/generation_defaults.h"
#include "engine/sampling/sampler.h"
#include "engine/serving/generation.h"

namespace bastion::engine {

// A prompt, in one of the three forms the OpenAI API admits.
struct PromptSpec {
  enum class Kind : uint8_t { kChat, kTokenIds, kText };
  Kind kind = Kind::kText;
  std::vector<ChatSegment> segments;  // kChat: the rendered chat; template parts may be special
  std::vector<int64_t> token_ids;     // kTokenIds: as the client sent them, not yet checked
  std::string text;                   // kText: plain text, BOS added if the model wants it
};

struct RunnerJob {
  PromptSpec prompt;
  SamplingParams sampling;
  size_t max_tokens = 0;  // 0: until the context is full
  std::vector<std::string> stop;
};

// What the gateway needs to know about the model it serves.
struct RunnerInfo {
  std::string name;  // the model's own id (metadata, file or folder name)
  ChatFormat format = ChatFormat::kChatMl;
  std::string bos_text;  // the BOS token's text, rendered by formats that start with it
  size_t vocab_size = 0;
  size_t context = 0;  // most tokens per request
  GenerationDefaults defaults;
};

class ModelRunner {
 public:
  virtual ~ModelRunner() = default;
  // REQUIRES: Ready() was true once (the model is loaded). Valid as long as the runner.
  virtual const RunnerInfo& info() const = 0;
  // Queues `job`. A job the engine refuses (ids outside the vocabulary or an empty prompt:
  // InvalidArgument; too long: ResourceExhausted; queue full or engine down: Unavailable)
  // fails here with that Status, or, when the engine answers from elsewhere, later, as
  // FinishReason::kRejected with the same code. The Generation reports `accepted` once the
  // job is queued. `notify` may run on any thread.
  virtual Result<std::shared_ptr<Generation>> Submit(RunnerJob job,
                                                     std::function<void()> notify) = 0;
  // The text of one token, as logprobs show it.
  virtual std::string TokenText(TokenId id) const = 0;
  virtual bool Ready() const = 0;
  virtual size_t active() const = 0;  // generating now
  virtual size_t queued() const = 0;  // waiting for a place in the batch
  // Fails what is in flight and takes no more requests.
  virtual void Stop() = 0;
};

}  // namespace bastion::engine
