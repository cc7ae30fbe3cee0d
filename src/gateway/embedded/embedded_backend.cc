#include "gateway/embedded/embedded_backend.h"

#include <algorithm>
#include <chrono>

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

// The tokens that end a turn: EOS, the end-of-turn markers of the chat formats, and the
// ones generation_config.json names.
std::vector<TokenId> EndOfGenerationTokens(const engine::Vocab& vocab,
                                           const std::vector<TokenId>& configured) {
  std::vector<TokenId> ids = configured;
  if (vocab.eos) ids.push_back(*vocab.eos);
  static constexpr std::string_view kEndOfTurn[] = {"<|eot_id|>", "<|eom_id|>", "<|im_end|>",
                                                    "<|endoftext|>", "<｜end▁of▁sentence｜>"};
  for (size_t id = 0; id < vocab.tokens.size(); ++id) {
    for (auto text : kEndOfTurn) {
      if (vocab.tokens[id] == text) ids.push_back(static_cast<TokenId>(id));
    }
  }
  std::erase_if(
      ids, [&](TokenId id) { return id < 0 || static_cast<size_t>(id) >= vocab.tokens.size(); });
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

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

Result<std::unique_ptr<EmbeddedBackend>> EmbeddedBackend::Create(const ModelConfig& model,
                                                                 const EngineConfig& engine,
                                                                 MetricsRegistry& metrics) {
  auto loaded =
      engine::LoadModel(model.path, engine::LoadParts::kTokenizerAndWeights,
                        static_cast<size_t>(engine.threads), false, model.quantize == "q8_0");
  if (!loaded.ok()) return loaded.status();
  std::unique_ptr<EmbeddedBackend> b(new EmbeddedBackend());
  b->model_ = std::move(*loaded);
  const engine::LoadedModel& m = *b->model_;
  b->name_ = model.name.empty() ? m.name : model.name;
  b->format_ = engine::DetectChatFormat(m.chat_template, m.vocab.pre);
  if (m.vocab.bos) b->bos_text_ = m.vocab.tokens[static_cast<size_t>(*m.vocab.bos)];
  b->split_reasoning_ =
      model.reasoning == ReasoningFormat::kDeepSeekR1 ||
      (model.reasoning == ReasoningFormat::kAuto && b->format_ == engine::ChatFormat::kDeepSeekR1);
  b->defaults_ = SamplingDefaults(b->format_, m.defaults);
  b->stop_tokens_ = EndOfGenerationTokens(m.vocab, m.defaults.eos_ids);
  engine::SchedulerOptions options;
  options.context = static_cast<size_t>(engine.context);
  options.parallel = static_cast<size_t>(engine.parallel);
  options.max_queue = static_cast<size_t>(engine.max_queue);
  b->scheduler_ = std::make_unique<engine::Scheduler>(*m.transformer, *m.tokenizer, options);
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
  return b;
}

EmbeddedBackend::~EmbeddedBackend() = default;

void EmbeddedBackend::WriteStatus(JsonWriter& w) const {
  w.Key("backend").String("embedded").Key("chat_format").String(ChatFormatName(format_));
  w.Key("context").Uint(scheduler_->context()).Key("active").Uint(scheduler_->active());
  w.Key("queued").Uint(scheduler_->queued());
}

void EmbeddedBackend::Shutdown() { scheduler_->Stop(); }

std::optional<ApiError> EmbeddedBackend::Prompt(const Exchange& ex, const EngineRequest& request,
                                                std::vector<TokenId>& out) const {
  const engine::Tokenizer& tokenizer = *model_->tokenizer;
  const engine::Vocab& vocab = model_->vocab;
  if (ex.inference->kind == InferenceKind::kChat) {
    for (const auto& s : engine::RenderChatSegments(format_, request.messages, bos_text_, true)) {
      for (TokenId id : tokenizer.Encode(s.text, s.is_template)) out.push_back(id);
    }
  } else if (!request.prompt_tokens.empty()) {
    const auto vocab_size = static_cast<int64_t>(model_->transformer->config().vocab_size);
    for (int64_t id : request.prompt_tokens) {
      if (id < 0 || id >= vocab_size) {
        return ApiError::BadRequest("invalid_value",
                                    "'prompt' holds token id " + std::to_string(id) +
                                        ", outside this model's vocabulary of " +
                                        std::to_string(vocab_size),
                                    "prompt");
      }
      out.push_back(static_cast<TokenId>(id));
    }
  } else {
    if (vocab.bos && vocab.add_bos) out.push_back(*vocab.bos);
    for (TokenId id : tokenizer.Encode(request.prompt, false)) out.push_back(id);
  }
  if (out.empty()) {
    return ApiError::BadRequest("invalid_value", "the prompt is empty",
                                ex.inference->kind == InferenceKind::kChat ? "messages" : "prompt");
  }
  return std::nullopt;
}

http::Awaitable<void> EmbeddedBackend::Serve(Exchange& ex, ResponseChannel& out) {
  ex.upstream = "embedded";
  const InferenceRequest& inference = *ex.inference;
  EngineRequest request;
  if (auto e = ParseEngineRequest(inference.kind, ex.body(), request)) {
    co_await out.SendError(*e);
    co_return;
  }
  engine::GenerationRequest g;
  if (auto e = Prompt(ex, request, g.prompt)) {
    co_await out.SendError(*e);
    co_return;
  }
  g.sampling = request.Sampling(defaults_);
  g.max_tokens = static_cast<size_t>(inference.max_tokens.value_or(0));
  g.stop = request.stop;
  g.stop_tokens = stop_tokens_;

  auto executor = co_await http::net::this_coro::executor;
  auto waker = std::make_shared<Waker>(executor);
  std::weak_ptr<Waker> weak = waker;
  auto submitted = scheduler_->Submit(std::move(g), [weak, executor] {
    http::net::post(executor, [weak] {
      if (auto w = weak.lock()) w->timer.cancel();
    });
  });
  if (!submitted.ok()) {
    const Status& st = submitted.status();
    if (st.code() == StatusCode::kUnavailable) {
      co_await out.SendError({503, "server_error", "engine_busy", st.message(), "", 1});
    } else {
      co_await out.SendError(
          ApiError::BadRequest("context_length_exceeded", st.message(),
                               inference.kind == InferenceKind::kChat ? "messages" : "prompt"));
    }
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
  if (inference.stream) {
    co_await Stream(run);
  } else {
    co_await Whole(run);
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
    if (!u.empty() || gone()) co_return u;
    waker.timer.expires_at(std::chrono::steady_clock::time_point::max());
    http::error_code ec;
    co_await waker.timer.async_wait(http::net::redirect_error(http::net::use_awaitable, ec));
  }
}

std::vector<TokenLogprobs> LogprobsOf(const engine::Tokenizer& tokenizer,
                                      const std::vector<engine::SampledToken>& tokens) {
  std::vector<TokenLogprobs> out;
  for (const auto& t : tokens) {
    TokenLogprobs l{tokenizer.Decode(t.id), t.logprob, {}};
    for (const auto& alt : t.top) l.top.emplace_back(tokenizer.Decode(alt.id), alt.logprob);
    out.push_back(std::move(l));
  }
  return out;
}

ApiError EngineError(const std::string& message) {
  return {503, "server_error", "engine_unavailable", message, "", 1};
}

}  // namespace

http::Awaitable<void> EmbeddedBackend::Stream(Run& run) {
  if (!co_await run.out.BeginEvents()) co_return;
  std::vector<std::string> events;
  if (run.chat) events.push_back(run.json.Chunk("", "", true, nullptr, ""));
  const std::function<bool()> gone = [&run] { return run.gone(); };
  std::vector<TokenLogprobs> logprobs;
  for (;;) {
    engine::Generation::Update u = co_await Next(*run.generation, *run.waker, gone);
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
    if (run.logprobs) logprobs = LogprobsOf(*model_->tokenizer, u.tokens);
    if (!piece.empty() || !logprobs.empty()) {
      events.push_back(run.json.Chunk(piece.reasoning, piece.content, false,
                                      run.logprobs ? &logprobs : nullptr, ""));
    }
    if (u.finish == engine::FinishReason::kError || u.finish == engine::FinishReason::kCancelled) {
      if (!events.empty() && !co_await run.out.SendEvents(events)) co_return;
      co_await run.out.SendErrorEvent(
          EngineError(u.error.empty() ? "the request was cancelled" : u.error));
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

http::Awaitable<void> EmbeddedBackend::Whole(Run& run) {
  const std::function<bool()> gone = [&run] { return run.gone(); };
  std::string text;
  std::vector<engine::SampledToken> tokens;
  engine::Generation::Update u;
  for (;;) {
    u = co_await Next(*run.generation, *run.waker, gone);
    if (run.gone()) co_return;
    text += u.text;
    for (auto& t : u.tokens) tokens.push_back(std::move(t));
    if (u.finish != engine::FinishReason::kNone) break;
  }
  if (u.finish == engine::FinishReason::kError || u.finish == engine::FinishReason::kCancelled) {
    co_await run.out.SendError(
        EngineError(u.error.empty() ? "the request was cancelled" : u.error));
    co_return;
  }
  ThinkSplitter::Piece piece;
  if (run.split) {
    piece = run.splitter.Feed(text);
    ThinkSplitter::Piece rest = run.splitter.Finish();
    piece.reasoning += rest.reasoning;
    piece.content += rest.content;
  } else {
    piece.content = std::move(text);
  }
  std::vector<TokenLogprobs> logprobs;
  if (run.logprobs) logprobs = LogprobsOf(*model_->tokenizer, tokens);
  co_await run.out.SendJson(
      200, run.json.Whole(piece.reasoning, piece.content, run.logprobs ? &logprobs : nullptr,
                          FinishReasonName(u.finish), {u.prompt_tokens, u.completion_tokens}));
}

}  // namespace bastion::gateway
