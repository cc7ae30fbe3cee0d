#include "gateway/embedded/embedded_backend.h"

#include <algorithm>
#include <chrono>

#include "engine/serving/local_runner.h"
#include "gateway/embedded/completion_json.h"
#include "gateway/embedded/engine_request.h"
#include "gateway/reasoning/think_splitter.h"
#include "http/asio.h"

namespace bastion::gateway {
namespace {

using engine::TokenId;

// Wakes a request's coroutine, on its own thread, when the engine's thread has news.
struct Waker {
  explicit Waker(http::Executor executor) : timer(std::move(executor)) {}
  http::net::steady_timer timer;
};

// What a request that sets no sampling knob gets: generation_config.json's values, else
// DeepSeek's recommendation for R1 models (temperature 0.6, top_p 0.95), else temperature 1.
engine::SamplingParams SamplingDefaults(engine::ChatFormat format,
                                        const engine::GenerationDefaults& configured) {
  engine::SamplingParams p;
  if (format == engine::ChatFormat::kDeepSeekR1) {
    p.temperature = 0.6f;
    p.top_p = 0.95f;
  }
  if (configured.temperature) p.temperature = *configured.temperature;
  if (configured.top_p) p.top_p = *configured.top_p;
  if (configured.top_k) p.top_k = *configured.top_k;
  if (configured.repetition_penalty) p.repetition_penalty = *configured.repetition_penalty;
  return p;
}

int64_t UnixSeconds() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

struct EmbeddedBackend::Run {
  Exchange& ex;
  ResponseChannel& out;
  std::shared_ptr<engine::Generation> generation;
  std::shared_ptr<Waker> waker;
  CompletionJson json;
  bool chat;
  bool split;
  bool logprobs;
  ThinkSplitter splitter;

  bool gone() const { return ex.client_gone || out.writer().client_gone(); }
};

namespace {

engine::LocalRunnerOptions LocalOptions(const ModelConfig& model, const EngineConfig& engine) {
  engine::LocalRunnerOptions o;
  o.path = model.path;
  o.quantize_q8_0 = model.quantize == "q8_0";
  o.threads = static_cast<size_t>(engine.threads);
  o.scheduler.context = static_cast<size_t>(engine.context);
  o.scheduler.parallel = static_cast<size_t>(engine.parallel);
  o.scheduler.max_queue = static_cast<size_t>(engine.max_queue);
  return o;
}

// `bastion worker`'s flags for `model`: the same engine settings, the gateway's log format.
std::vector<std::string> WorkerArgs(const engine::LocalRunnerOptions& o, const Config& config) {
  std::vector<std::string> args = {"--model-path", o.path,
                                   "--threads",    std::to_string(o.threads),
                                   "--context",    std::to_string(o.scheduler.context),
                                   "--parallel",   std::to_string(o.scheduler.parallel),
                                   "--max-queue",  std::to_string(o.scheduler.max_queue),
                                   "--log-level",  config.log_level,
                                   "--log-format", config.log_format};
  if (o.quantize_q8_0) args.insert(args.end(), {"--quantize", "q8_0"});
  return args;
}

}  // namespace

Result<std::unique_ptr<EmbeddedBackend>> EmbeddedBackend::Create(const ModelConfig& model,
                                                                 const Config& config,
                                                                 MetricsRegistry& metrics) {
  std::unique_ptr<EmbeddedBackend> b(new EmbeddedBackend());
  const engine::LocalRunnerOptions local = LocalOptions(model, config.engine);
  const std::string label = model.name.empty() ? model.path : model.name;
  if (config.engine.isolation == "none") {
    auto runner = engine::LocalRunner::Create(local);
    if (!runner.ok()) return runner.status();
    b->runner_ = std::move(*runner);
  } else {
    sandbox::WorkerRunnerOptions options;
    options.args = WorkerArgs(local, config);
    options.model = label;
    options.hang_timeout = config.engine.worker_hang_timeout;
    options.on_restart = [backend = b.get()] {
      if (Counter* c = backend->meters_.worker_restarts.load()) c->Inc();
    };
    auto runner = sandbox::WorkerRunner::Start(std::move(options));
    if (!runner.ok()) return runner.status();
    b->worker_ = runner->get();
    b->runner_ = std::move(*runner);
  }
  const engine::RunnerInfo& info = b->runner_->info();
  b->name_ = model.name.empty() ? info.name : model.name;
  b->split_reasoning_ =
      model.reasoning == ReasoningFormat::kDeepSeekR1 ||
      (model.reasoning == ReasoningFormat::kAuto && info.format == engine::ChatFormat::kDeepSeekR1);
  b->defaults_ = SamplingDefaults(info.format, info.defaults);
  const Labels labels = {{"model", b->name_}};
  b->meters_.prompt_tokens = &metrics.GetCounter(
      "bastion_engine_prompt_tokens_total", "Prompt tokens the embedded engine processed", labels);
  b->meters_.completion_tokens = &metrics.GetCounter(
      "bastion_engine_completion_tokens_total", "Tokens the embedded engine generated", labels);
  b->meters_.in_flight =
      &metrics.GetGauge("bastion_engine_requests_in_flight",
                        "Requests queued or generating in the embedded engine", labels);
  // 1 / this is a stream's decode speed in tokens/s (docs/monitoring.md).
  b->meters_.time_per_output_token = &metrics.GetHistogram(
      "bastion_engine_time_per_output_token_seconds",
      "Per request: seconds per generated token after the first (decode speed)", labels,
      LatencyBuckets());
  if (b->worker_) {
    b->meters_.worker_restarts = &metrics.GetCounter(
        "bastion_engine_worker_restarts_total",
        "Engine worker processes that died, hung or broke the protocol, and were restarted",
        labels);
  }
  return b;
}

EmbeddedBackend::~EmbeddedBackend() = default;

void EmbeddedBackend::WriteStatus(JsonWriter& w) const {
  const engine::RunnerInfo& info = runner_->info();
  w.Key("backend").String("embedded").Key("chat_format").String(ChatFormatName(info.format));
  w.Key("context").Uint(info.context).Key("active").Uint(runner_->active());
  w.Key("queued").Uint(runner_->queued());
  w.Key("isolation").String(worker_ ? "worker" : "none");
  if (worker_) {
    w.Key("worker").BeginObject().Key("up").Bool(worker_->Ready());
    w.Key("restarts").Uint(worker_->restarts()).Key("confinement").String(worker_->confinement());
    w.EndObject();
  }
}

void EmbeddedBackend::Shutdown() { runner_->Stop(); }

engine::PromptSpec EmbeddedBackend::Prompt(const Exchange& ex, EngineRequest& request) const {
  engine::PromptSpec p;
  if (ex.inference->kind == InferenceKind::kChat) {
    const engine::RunnerInfo& info = runner_->info();
    p.kind = engine::PromptSpec::Kind::kChat;
    p.segments = engine::RenderChatSegments(info.format, request.messages, info.bos_text, true);
  } else if (!request.prompt_tokens.empty()) {
    p.kind = engine::PromptSpec::Kind::kTokenIds;
    p.token_ids = std::move(request.prompt_tokens);
  } else {
    p.kind = engine::PromptSpec::Kind::kText;
    p.text = std::move(request.prompt);
  }
  return p;
}

namespace {

// The answer to a request the engine refused (`code` as ModelRunner::Submit says) or lost.
ApiError RefusalError(StatusCode code, const std::string& message, InferenceKind kind) {
  const char* param = kind == InferenceKind::kChat ? "messages" : "prompt";
  switch (code) {
    case StatusCode::kInvalidArgument:
      return ApiError::BadRequest("invalid_value", message, param);
    case StatusCode::kResourceExhausted:
      return ApiError::BadRequest("context_length_exceeded", message, param);
    case StatusCode::kUnavailable:
      return {503, "server_error", "engine_busy", message, "", 1};
    default:
      return {503, "server_error", "engine_unavailable", message, "", 1};
  }
}

ApiError EngineError(const engine::Generation::Update& u) {
  if (u.finish == engine::FinishReason::kAborted) {
    return {502, "server_error", "engine_worker_failed", u.error, "", 0};
  }
  return {503,
          "server_error",
          "engine_unavailable",
          u.error.empty() ? "the request was cancelled" : u.error,
          "",
          1};
}

bool Failed(engine::FinishReason finish) {
  return finish == engine::FinishReason::kError || finish == engine::FinishReason::kCancelled ||
         finish == engine::FinishReason::kAborted;
}

// Adds `more` (a later Take) to `into`.
void Merge(engine::Generation::Update& into, engine::Generation::Update more) {
  into.text += more.text;
  for (auto& t : more.tokens) into.tokens.push_back(std::move(t));
  into.finish = more.finish;
  into.error = std::move(more.error);
  into.error_code = more.error_code;
  into.accepted = into.accepted || more.accepted;
  into.prompt_tokens = more.prompt_tokens;
  into.completion_tokens = more.completion_tokens;
}

}  // namespace

http::Awaitable<void> EmbeddedBackend::Serve(Exchange& ex, ResponseChannel& out) {
  ex.upstream = "embedded";
  const InferenceRequest& inference = *ex.inference;
  EngineRequest request;
  if (auto e = ParseEngineRequest(inference.kind, ex.body(), request)) {
    co_await out.SendError(*e);
    co_return;
  }
  engine::RunnerJob job;
  job.sampling = request.Sampling(defaults_);
  job.max_tokens = static_cast<size_t>(inference.max_tokens.value_or(0));
  job.stop = request.stop;
  job.prompt = Prompt(ex, request);

  auto executor = co_await http::net::this_coro::executor;
  auto waker = std::make_shared<Waker>(executor);
  std::weak_ptr<Waker> weak = waker;
  auto submitted = runner_->Submit(std::move(job), [weak, executor] {
    http::net::post(executor, [weak] {
      if (auto w = weak.lock()) w->timer.cancel();
    });
  });
  if (!submitted.ok()) {
    const ApiError error =
        RefusalError(submitted.status().code(), submitted.status().message(), inference.kind);
    co_await out.SendError(error);
    co_return;
  }
  std::shared_ptr<engine::Generation> generation = *submitted;
  out.writer().WatchForClientClose([generation, weak] {
    generation->Cancel();
    if (auto w = weak.lock()) w->timer.cancel();
  });
  Run run{ex,
          out,
          generation,
          waker,
          CompletionJson(inference.kind, ex.request_id, name_, UnixSeconds()),
          inference.kind == InferenceKind::kChat,
          split_reasoning_ && inference.kind == InferenceKind::kChat,
          request.logprobs,
          {}};
  meters_.in_flight->Add(1);
  engine::Generation::Update first;
  if (co_await Started(run, first)) {
    if (inference.stream) {
      co_await Stream(run, std::move(first));
    } else {
      co_await Whole(run, std::move(first));
    }
  }
  generation->Cancel();  // a no-op when it finished; frees the engine's slot when it did not
  meters_.in_flight->Add(-1);
  const engine::Generation::Update last = generation->Take();
  meters_.prompt_tokens->Inc(last.prompt_tokens);
  meters_.completion_tokens->Inc(last.completion_tokens);
  if (double per_token = generation->DecodeSecondsPerToken(); per_token > 0) {
    meters_.time_per_output_token->Observe(per_token);
  }
  ex.prompt_tokens = static_cast<int64_t>(last.prompt_tokens);
  ex.completion_tokens = static_cast<int64_t>(last.completion_tokens);
}

namespace {

// The next update, waiting for one when none has arrived. Returns early (perhaps empty)
// when the client is gone.
http::Awaitable<engine::Generation::Update> Next(engine::Generation& generation, Waker& waker,
                                                 const std::function<bool()>& gone) {
  for (;;) {
    engine::Generation::Update u = generation.Take();
    if (!u.empty() || u.accepted || gone()) co_return u;
    waker.timer.expires_at(std::chrono::steady_clock::time_point::max());
    http::error_code ec;
    co_await waker.timer.async_wait(http::net::redirect_error(http::net::use_awaitable, ec));
  }
}

std::vector<TokenLogprobs> LogprobsOf(const engine::ModelRunner& runner,
                                      const std::vector<engine::SampledToken>& tokens) {
  std::vector<TokenLogprobs> out;
  for (const auto& t : tokens) {
    TokenLogprobs l{runner.TokenText(t.id), t.logprob, {}};
    for (const auto& alt : t.top) l.top.emplace_back(runner.TokenText(alt.id), alt.logprob);
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace

http::Awaitable<bool> EmbeddedBackend::Started(Run& run, engine::Generation::Update& first) {
  const std::function<bool()> gone = [&run] { return run.gone(); };
  while (!first.accepted && first.finish == engine::FinishReason::kNone) {
    engine::Generation::Update u = co_await Next(*run.generation, *run.waker, gone);
    if (run.gone()) co_return false;
    Merge(first, std::move(u));
  }
  if (first.finish == engine::FinishReason::kRejected) {
    const ApiError error = RefusalError(first.error_code, first.error, run.ex.inference->kind);
    co_await run.out.SendError(error);
    co_return false;
  }
  if (!first.accepted && Failed(first.finish)) {
    const ApiError error = EngineError(first);
    co_await run.out.SendError(error);
    co_return false;
  }
  co_return true;
}

http::Awaitable<void> EmbeddedBackend::Stream(Run& run, engine::Generation::Update first) {
  if (!co_await run.out.BeginEvents()) co_return;
  std::vector<std::string> events;
  if (run.chat) events.push_back(run.json.Chunk("", "", true, nullptr, ""));
  const std::function<bool()> gone = [&run] { return run.gone(); };
  std::vector<TokenLogprobs> logprobs;
  std::optional<engine::Generation::Update> pending = std::move(first);
  for (;;) {
    engine::Generation::Update u;
    if (pending) {
      u = std::move(*pending);
      pending.reset();
    } else {
      u = co_await Next(*run.generation, *run.waker, gone);
    }
    if (run.gone()) co_return;
    ThinkSplitter::Piece piece;
    if (run.split) {
      piece = run.splitter.Feed(u.text);
      if (u.finish != engine::FinishReason::kNone) {
        ThinkSplitter::Piece rest = run.splitter.Finish();
        piece.reasoning += rest.reasoning;
        piece.content += rest.content;
      }
    } else {
      piece.content = std::move(u.text);
    }
    if (run.logprobs) logprobs = LogprobsOf(*runner_, u.tokens);
    if (!piece.empty() || !logprobs.empty()) {
      events.push_back(run.json.Chunk(piece.reasoning, piece.content, false,
                                      run.logprobs ? &logprobs : nullptr, ""));
    }
    if (Failed(u.finish)) {
      if (!events.empty() && !co_await run.out.SendEvents(events)) co_return;
      co_await run.out.SendErrorEvent(EngineError(u));
      co_await run.out.EndEvents();
      co_return;
    }
    if (u.finish != engine::FinishReason::kNone) {
      events.push_back(run.json.Chunk("", "", false, nullptr, FinishReasonName(u.finish)));
      if (run.ex.inference->include_usage) {
        events.push_back(run.json.UsageChunk({u.prompt_tokens, u.completion_tokens}));
      }
      events.push_back("[DONE]");
    }
    if (!events.empty() && !co_await run.out.SendEvents(events)) co_return;
    events.clear();
    if (u.finish != engine::FinishReason::kNone) {
      co_await run.out.EndEvents();
      co_return;
    }
  }
}

http::Awaitable<void> EmbeddedBackend::Whole(Run& run, engine::Generation::Update first) {
  const std::function<bool()> gone = [&run] { return run.gone(); };
  engine::Generation::Update u = std::move(first);
  while (u.finish == engine::FinishReason::kNone) {
    engine::Generation::Update more = co_await Next(*run.generation, *run.waker, gone);
    if (run.gone()) co_return;
    Merge(u, std::move(more));
  }
  if (Failed(u.finish)) {
    const ApiError error = EngineError(u);
    co_await run.out.SendError(error);
    co_return;
  }
  ThinkSplitter::Piece piece;
  if (run.split) {
    piece = run.splitter.Feed(u.text);
    ThinkSplitter::Piece rest = run.splitter.Finish();
    piece.reasoning += rest.reasoning;
    piece.content += rest.content;
  } else {
    piece.content = std::move(u.text);
  }
  std::vector<TokenLogprobs> logprobs;
  if (run.logprobs) logprobs = LogprobsOf(*runner_, u.tokens);
  co_await run.out.SendJson(
      200, run.json.Whole(piece.reasoning, piece.content, run.logprobs ? &logprobs : nullptr,
                          FinishReasonName(u.finish), {u.prompt_tokens, u.completion_tokens}));
}

}  // namespace bastion::gateway
