#include "engine/serving/generation.h"

namespace bastion::engine {

Generation::Update Generation::Take() {
  std::lock_guard lock(mu_);
  Update out = std::move(pending_);
  pending_ = Update();
  pending_.prompt_tokens = out.prompt_tokens;
  pending_.completion_tokens = completion_;
  pending_.finish = out.finish;
  pending_.error = out.error;
  pending_.error_code = out.error_code;
  out.completion_tokens = completion_;
  return out;
}

void Generation::Append(std::string_view text, SampledToken token) {
  {
    std::lock_guard lock(mu_);
    pending_.text += text;
    pending_.tokens.push_back(std::move(token));
    last_token_at_ = std::chrono::steady_clock::now();
    if (completion_ == 0) first_token_at_ = last_token_at_;
    ++completion_;
  }
  notify_();
}

double Generation::DecodeSecondsPerToken() {
  std::lock_guard lock(mu_);
  if (completion_ < 2) return 0;
  std::chrono::duration<double> decoding = last_token_at_ - first_token_at_;
  return decoding.count() / static_cast<double>(completion_ - 1);
}

void Generation::Finish(FinishReason reason, std::string_view text, std::string error) {
  {
    std::lock_guard lock(mu_);
    pending_.text += text;
    pending_.finish = reason;
    pending_.error = std::move(error);
  }
  notify_();
}

void Generation::SetPromptTokens(size_t n) {
  std::lock_guard lock(mu_);
  pending_.prompt_tokens = n;
}

void Generation::Accept(size_t prompt_tokens) {
  {
    std::lock_guard lock(mu_);
    pending_.prompt_tokens = prompt_tokens;
    pending_.accepted = true;
  }
  notify_();
}

void Generation::Deliver(Update update) {
  {
    std::lock_guard lock(mu_);
    pending_.text += update.text;
    if (!update.tokens.empty()) {
      last_token_at_ = std::chrono::steady_clock::now();
      if (completion_ == 0) first_token_at_ = last_token_at_;
      completion_ += update.tokens.size();
      for (auto& t : update.tokens) pending_.tokens.push_back(std::move(t));
    }
    if (update.accepted) pending_.accepted = true;
    if (update.prompt_tokens) pending_.prompt_tokens = update.prompt_tokens;
    if (update.finish != FinishReason::kNone) {
      pending_.finish = update.finish;
      pending_.error = std::move(update.error);
      pending_.error_code = update.error_code;
    }
  }
  notify_();
}

void Generation::Reject(const Status& why) {
  {
    std::lock_guard lock(mu_);
    pending_.finish = FinishReason::kRejected;
    pending_.error = why.message();
    pending_.error_code = why.code();
  }
  notify_();
}

std::string_view FinishReasonName(FinishReason reason) {
  switch (reason) {
    case FinishReason::kNone:
      return "";
    case FinishReason::kStop:
      return "stop";
    case FinishReason::kLength:
      return "length";
    case FinishReason::kCancelled:
      return "cancelled";
    case FinishReason::kError:
    case FinishReason::kRejected:
    case FinishReason::kAborted:
      return "error";
  }
  return "";
}

}  // namespace bastion::engine
