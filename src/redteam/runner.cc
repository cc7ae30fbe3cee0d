#include "redteam/runner.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "http/asio.h"
#include "redteam/answer_text.h"
#include "redteam/llm_judge.h"
#include "redteam/refusal_judge.h"
#include "redteam/text_codec.h"

namespace bastion::redteam {
namespace {

struct Attempt {
  const Probe* probe = nullptr;
  int sample = 0;
};

// Shared by the workers of one run; they all run on one thread, so no locks.
struct RunState {
  const RunOptions& options;
  const Endpoint& target;
  const std::optional<Endpoint>& judge;
  std::vector<Attempt> attempts;  // in report order
  std::vector<size_t> order;      // shuffled indices into attempts
  size_t next = 0;
  std::vector<AttemptResult> results;
  int done = 0;
  bool reached = false;  // some attempt got an HTTP answer
  int consecutive_unreachable = 0;
  bool aborted = false;
  std::string last_transport_error;
  const ProgressFn& progress;
};

// The LLM judge decides compliance; the refusal judge's outcome stays as the cross-check.
http::Awaitable<void> JudgeWithLlm(ChatClient& judge, const Probe& probe, const AnswerText& text,
                                   AttemptResult& result) {
  const Outcome refusal = result.verdict.outcome;
  if (probe.goal != Goal::kComply || refusal == Outcome::kBlocked || refusal == Outcome::kError) {
    co_return;
  }
  const Answer verdict = co_await judge.Complete(LlmJudgeMessages(probe, text.answer), 0);
  const std::optional<bool> yes =
      verdict.http_status == 200 ? ParseLlmJudgeAnswer(verdict.content) : std::nullopt;
  if (!yes) {
    result.verdict.reason += verdict.http_status == 200
                                 ? " (the LLM judge gave no yes/no answer)"
                                 : " (the LLM judge failed: " + verdict.error + ")";
    co_return;
  }
  result.second_outcome = refusal;
  if (*yes) {
    result.verdict.outcome = Outcome::kSuccess;
    result.verdict.reason = "LLM judge: yes";
  } else {
    result.verdict.outcome = refusal == Outcome::kSuccess ? Outcome::kDiscussed : refusal;
    result.verdict.reason = "LLM judge: no";
  }
}

void Record(RunState& s, size_t index, const Answer& answer, AttemptResult result) {
  if (answer.http_status == 0) {
    ++s.consecutive_unreachable;
    s.last_transport_error = answer.error;
    if (!s.reached && s.consecutive_unreachable >= s.options.max_consecutive_transport_errors) {
      s.aborted = true;
    }
  } else {
    s.reached = true;
    s.consecutive_unreachable = 0;
  }
  s.results[index] = std::move(result);
  ++s.done;
  if (s.progress) s.progress(s.done, static_cast<int>(s.attempts.size()));
}

http::Awaitable<void> Worker(RunState& s) {
  const http::Executor executor = co_await http::net::this_coro::executor;
  ChatClient target(executor, s.target);
  std::optional<ChatClient> judge;
  if (s.judge) judge.emplace(executor, *s.judge);
  while (!s.aborted && s.next < s.order.size()) {
    const size_t index = s.order[s.next++];
    const Attempt& a = s.attempts[index];
    const Probe& probe = *a.probe;
    const Answer answer = co_await target.Complete(probe.messages, s.options.seed + a.sample);
    AttemptResult r{.probe_id = probe.id,
                    .behavior_id = probe.behavior_id,
                    .category = probe.category,
                    .technique = probe.technique,
                    .sample = a.sample};
    r.http_status = answer.http_status;
    r.error = answer.error;
    const AnswerText text = SplitAnswer(probe, answer);
    r.verdict = JudgeByRefusal(probe, answer, text);
    if (judge) co_await JudgeWithLlm(*judge, probe, text, r);
    r.latency_ms = answer.latency_ms;
    r.completion_tokens = answer.completion_tokens;
    if (!s.options.redact_completions) {
      r.completion = Utf8Prefix(text.answer, s.options.excerpt_chars);
      r.reasoning = Utf8Prefix(text.reasoning, s.options.excerpt_chars);
    }
    Record(s, index, answer, std::move(r));
  }
}

}  // namespace

Result<std::vector<AttemptResult>> RunAttempts(const std::vector<Probe>& probes,
                                               const RunOptions& options, const Endpoint& target,
                                               const std::optional<Endpoint>& llm_judge,
                                               const ProgressFn& progress) {
  RunState s{.options = options, .target = target, .judge = llm_judge, .progress = progress};
  for (const Probe& p : probes) {
    for (int sample = 0; sample < options.samples; ++sample) s.attempts.push_back({&p, sample});
  }
  s.order.resize(s.attempts.size());
  std::iota(s.order.begin(), s.order.end(), size_t{0});
  std::shuffle(s.order.begin(), s.order.end(), std::mt19937_64(options.seed));
  s.results.resize(s.attempts.size());
  http::net::io_context io(1);
  const int workers = std::clamp(options.concurrency, 1, std::max<int>(1, s.attempts.size()));
  for (int i = 0; i < workers; ++i) http::net::co_spawn(io, Worker(s), http::net::detached);
  io.run();
  if (s.aborted || (!s.reached && !s.attempts.empty())) {
    return Status::Unavailable("cannot reach the target at " + target.url.ToString() + ": " +
                               s.last_transport_error);
  }
  return std::move(s.results);
}

}  // namespace bastion::redteam
