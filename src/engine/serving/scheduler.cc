#include "engine/serving/scheduler.h"

#include <algorithm>
#include <optional>

#include "engine/generation/stop_strings.h"

namespace bastion::engine {

struct Scheduler::Sequence {
  Sequence(GenerationRequest r, std::shared_ptr<Generation> g, size_t cap)
      : request(std::move(r)),
        generation(std::move(g)),
        capacity(cap),
        sampler(request.sampling),
        text(request.stop),
        history(request.prompt) {}

  GenerationRequest request;
  std::shared_ptr<Generation> generation;
  size_t capacity;                 // positions this request may use
  std::unique_ptr<KvCache> cache;  // allocated when the request enters the batch
  Sampler sampler;
  StopStrings text;
  std::vector<TokenId> history;  // prompt and output, for the penalties
  size_t cached = 0;             // positions already in the cache
  size_t generated = 0;
  std::optional<TokenId> next;  // sampled, not yet run through the model

  size_t prompt_size() const { return request.prompt.size(); }
};

Scheduler::Scheduler(const Transformer& model, const Tokenizer& tokenizer, SchedulerOptions options)
    : model_(model),
      tokenizer_(tokenizer),
      options_(options),
      context_(std::min<size_t>(options.context, model.config().context_length)) {
  thread_ = std::thread([this] { Run(); });
}

Scheduler::~Scheduler() {
  Stop();
  thread_.join();
}

void Scheduler::Stop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  wake_.notify_all();
}

size_t Scheduler::active() const {
  std::lock_guard lock(mu_);
  return active_count_;
}

size_t Scheduler::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

Result<std::shared_ptr<Generation>> Scheduler::Submit(GenerationRequest request,
                                                      std::function<void()> notify) {
  const size_t prompt = request.prompt.size();
  if (prompt == 0) return Status::InvalidArgument("the prompt is empty");
  if (prompt >= context_ || prompt + request.max_tokens > context_) {
    return Status::ResourceExhausted(
        "this model's context is " + std::to_string(context_) + " tokens, and the request needs " +
        std::to_string(prompt + std::max<size_t>(request.max_tokens, 1)) + " (" +
        std::to_string(prompt) + " in the prompt, " +
        (request.max_tokens ? std::to_string(request.max_tokens) : std::string("at least 1")) +
        " for the completion); shorten the prompt or lower max_tokens");
  }
  const size_t capacity = request.max_tokens ? prompt + request.max_tokens : context_;
  auto generation = std::make_shared<Generation>(std::move(notify));
  generation->SetPromptTokens(prompt);
  std::lock_guard lock(mu_);
  if (stopping_) return Status::Unavailable("the server is shutting down");
  if (queue_.size() >= options_.max_queue) {
    return Status::Unavailable("the engine's queue is full (" + std::to_string(queue_.size()) +
                               " requests waiting); retry later");
  }
  queue_.push_back(std::make_unique<Sequence>(std::move(request), generation, capacity));
  wake_.notify_one();
  return generation;
}

void Scheduler::Run() {
  std::vector<std::unique_ptr<Sequence>> active;
  logits_.resize(Transformer::kMaxBatch * model_.config().vocab_size);
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || !active.empty(); });
      if (stopping_) break;
      Admit(active);
    }
    std::erase_if(active, [](const std::unique_ptr<Sequence>& s) {
      if (!s->generation->cancelled()) return false;
      s->generation->Finish(FinishReason::kCancelled);
      return true;
    });
    if (!active.empty()) {
      RunStep(active);
      steps_.fetch_add(1, std::memory_order_relaxed);
    }
    std::lock_guard lock(mu_);
    active_count_ = active.size();
  }
  std::lock_guard lock(mu_);
  for (auto& s : active)
    s->generation->Finish(FinishReason::kError, "", "the server is shutting down");
  for (auto& s : queue_)
    s->generation->Finish(FinishReason::kError, "", "the server is shutting down");
  queue_.clear();
  active_count_ = 0;
}

void Scheduler::Admit(std::vector<std::unique_ptr<Sequence>>& active) {
  const size_t room = std::min(options_.parallel, Transformer::kMaxBatch);
  while (active.size() < room && !queue_.empty()) {
    std::unique_ptr<Sequence> s = std::move(queue_.front());
    queue_.pop_front();
    if (s->generation->cancelled()) {
      s->generation->Finish(FinishReason::kCancelled);
      continue;
    }
    s->cache = std::make_unique<KvCache>(model_.config(), s->capacity);
    active.push_back(std::move(s));
  }
}

void Scheduler::RunStep(std::vector<std::unique_ptr<Sequence>>& active) {
  std::vector<BatchToken> batch;
  std::vector<Sequence*> owners;  // whose logits each row is
  for (auto& s : active) {        // every generating request decodes one token
    if (!s->next) continue;
    batch.push_back({*s->next, s->cached, s->cache.get(), true});
    owners.push_back(s.get());
  }
  for (auto& s : active) {  // prompts fill the rest
    if (s->next || batch.size() == Transformer::kMaxBatch) continue;
    const size_t n = std::min(Transformer::kMaxBatch - batch.size(), s->prompt_size() - s->cached);
    for (size_t i = 0; i < n; ++i) {
      const size_t pos = s->cached + i;
      const bool last = pos + 1 == s->prompt_size();
      batch.push_back({s->request.prompt[pos], pos, s->cache.get(), last});
      if (last) owners.push_back(s.get());
    }
    s->cached += n;  // counted now; the step below fills them
  }
  model_.Step(batch, logits_.data());
  for (auto& s : active) {
    if (s->next) {  // its decode token is in the cache now
      s->cached += 1;
      s->next.reset();
    }
  }
  const size_t vocab = model_.config().vocab_size;
  std::vector<Sequence*> finished;
  for (size_t row = 0; row < owners.size(); ++row) {
    std::span<float> logits(logits_.data() + row * vocab, vocab);
    if (!Advance(*owners[row], logits)) finished.push_back(owners[row]);
  }
  std::erase_if(active, [&](const std::unique_ptr<Sequence>& s) {
    return std::find(finished.begin(), finished.end(), s.get()) != finished.end();
  });
}

bool Scheduler::Advance(Sequence& s, std::span<float> logits) {
  SampledToken token = s.sampler.Sample(logits, s.history);
  const auto& stops = s.request.stop_tokens;
  if (std::find(stops.begin(), stops.end(), token.id) != stops.end()) {
    s.generation->Finish(FinishReason::kStop, s.text.Flush());
    return false;
  }
  ++s.generated;
  s.history.push_back(token.id);
  const TokenId id = token.id;
  std::string piece = s.text.Feed(tokenizer_.Decode(id));
  s.generation->Append(piece, std::move(token));
  if (s.text.stopped()) {
    s.generation->Finish(FinishReason::kStop);
    return false;
  }
  const bool at_limit = s.request.max_tokens && s.generated >= s.request.max_tokens;
  if (at_limit || s.history.size() > s.capacity) {
    s.generation->Finish(FinishReason::kLength, s.text.Flush());
    return false;
  }
  s.next = id;
  return true;
}

}  // namespace bastion::engine
