#include "engine/serving/local_runner.h"

#include <algorithm>

namespace bastion::engine {
namespace {

// The tokens that end a turn: EOS, the end-of-turn markers of the chat formats, and the
// ones generation_config.json names.
std::vector<TokenId> EndOfGenerationTokens(const Vocab& vocab,
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

}  // namespace

Result<std::unique_ptr<LocalRunner>> LocalRunner::Create(const LocalRunnerOptions& options) {
  auto loaded = LoadModel(options.path, LoadParts::kTokenizerAndWeights, options.threads, false,
                          options.quantize_q8_0);
  if (!loaded.ok()) return loaded.status();
  std::unique_ptr<LocalRunner> r(new LocalRunner());
  r->model_ = std::move(*loaded);
  const LoadedModel& m = *r->model_;
  r->scheduler_ = std::make_unique<Scheduler>(*m.transformer, *m.tokenizer, options.scheduler);
  r->stop_tokens_ = EndOfGenerationTokens(m.vocab, m.defaults.eos_ids);
  RunnerInfo& info = r->info_;
  info.name = m.name;
  info.format = DetectChatFormat(m.chat_template, m.vocab.pre);
  if (m.vocab.bos) info.bos_text = m.vocab.tokens[static_cast<size_t>(*m.vocab.bos)];
  info.vocab_size = m.transformer->config().vocab_size;
  info.context = r->scheduler_->context();
  info.defaults = m.defaults;
  return r;
}

LocalRunner::~LocalRunner() = default;

Status LocalRunner::Tokenize(const PromptSpec& prompt, std::vector<TokenId>& out) const {
  const Tokenizer& tokenizer = *model_->tokenizer;
  switch (prompt.kind) {
    case PromptSpec::Kind::kChat:
      for (const ChatSegment& s : prompt.segments) {
        for (TokenId id : tokenizer.Encode(s.text, s.is_template)) out.push_back(id);
      }
      break;
    case PromptSpec::Kind::kTokenIds:
      for (int64_t id : prompt.token_ids) {
        if (id < 0 || static_cast<uint64_t>(id) >= info_.vocab_size) {
          return Status::InvalidArgument("'prompt' holds token id " + std::to_string(id) +
                                         ", outside this model's vocabulary of " +
                                         std::to_string(info_.vocab_size));
        }
        out.push_back(static_cast<TokenId>(id));
      }
      break;
    case PromptSpec::Kind::kText:
      if (model_->vocab.bos && model_->vocab.add_bos) out.push_back(*model_->vocab.bos);
      for (TokenId id : tokenizer.Encode(prompt.text, false)) out.push_back(id);
      break;
  }
  return Status::Ok();
}

Result<std::shared_ptr<Generation>> LocalRunner::Submit(RunnerJob job,
                                                        std::function<void()> notify) {
  GenerationRequest request;
  if (Status st = Tokenize(job.prompt, request.prompt); !st.ok()) return st;
  request.sampling = job.sampling;
  request.max_tokens = job.max_tokens;
  request.stop = std::move(job.stop);
  request.stop_tokens = stop_tokens_;
  const size_t prompt_tokens = request.prompt.size();
  auto generation = scheduler_->Submit(std::move(request), std::move(notify));
  if (generation.ok()) (*generation)->Accept(prompt_tokens);
  return generation;
}

}  // namespace bastion::engine
