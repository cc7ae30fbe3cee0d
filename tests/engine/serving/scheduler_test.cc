// Continuous batching must not change what a request gets: the scheduler's output for
// requests running together equals each one's output alone, and a step that mixes sequences
// equals running them one by one. Uses the trained tiny Llama (../shared/models).
#include "engine/serving/scheduler.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/shared_models.h"
#include "engine/loaded_model.h"

namespace bastion::engine {
namespace {

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!bastion::testing::HaveSharedModel("stories260K.gguf"))
      GTEST_SKIP() << "no ../shared/models";
    auto loaded = LoadModel(bastion::testing::SharedModelPath("stories260K.gguf"),
                            LoadParts::kTokenizerAndWeights, 2);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    model_ = std::move(*loaded);
  }

  GenerationRequest Greedy(std::string_view prompt, size_t max_tokens) const {
    GenerationRequest r;
    r.prompt.push_back(*model_->vocab.bos);
    for (TokenId id : model_->tokenizer->Encode(prompt, false)) r.prompt.push_back(id);
    r.sampling.temperature = 0;
    r.max_tokens = max_tokens;
    r.stop_tokens = {*model_->vocab.eos};
    return r;
  }

  // Runs `requests` together and returns each one's text and finish reason.
  std::vector<std::pair<std::string, FinishReason>> RunAll(
      Scheduler& s, std::vector<GenerationRequest> requests) {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::shared_ptr<Generation>> gens;
    for (auto& r : requests) {
      auto g = s.Submit(std::move(r), [&] {
        std::lock_guard lock(mu);
        cv.notify_all();
      });
      EXPECT_TRUE(g.ok()) << g.status().ToString();
      gens.push_back(*g);
    }
    std::vector<std::pair<std::string, FinishReason>> out(gens.size());
    for (size_t i = 0; i < gens.size(); ++i) {
      for (;;) {
        Generation::Update u = gens[i]->Take();
        out[i].first += u.text;
        if (u.finish != FinishReason::kNone) {
          out[i].second = u.finish;
          break;
        }
        std::unique_lock lock(mu);
        cv.wait_for(lock, std::chrono::milliseconds(5));
      }
    }
    return out;
  }

  std::unique_ptr<LoadedModel> model_;
};

TEST_F(SchedulerTest, RequestsBatchedTogetherGetWhatEachGetsAlone) {
  const std::vector<std::string> prompts = {"Once upon a time", "The cat", "Lily", "One day"};
  SchedulerOptions options;
  options.parallel = 1;
  Scheduler alone(*model_->transformer, *model_->tokenizer, options);
  std::vector<std::string> want;
  for (const auto& p : prompts) want.push_back(RunAll(alone, {Greedy(p, 50)})[0].first);
  EXPECT_TRUE(want[0].starts_with(", there was a little girl named Lily.")) << want[0];

  options.parallel = 4;
  Scheduler together(*model_->transformer, *model_->tokenizer, options);
  std::vector<GenerationRequest> requests;
  for (const auto& p : prompts) requests.push_back(Greedy(p, 50));
  auto got = RunAll(together, std::move(requests));
  for (size_t i = 0; i < prompts.size(); ++i) {
    EXPECT_EQ(got[i].first, want[i]) << prompts[i];
    EXPECT_EQ(got[i].second, FinishReason::kLength);
  }
}

TEST_F(SchedulerTest, MoreRequestsThanSlotsQueueAndAllFinish) {
  SchedulerOptions options;
  options.parallel = 2;
  Scheduler s(*model_->transformer, *model_->tokenizer, options);
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < 6; ++i) requests.push_back(Greedy("Once upon a time", 10));
  auto got = RunAll(s, std::move(requests));
  for (const auto& [text, finish] : got) EXPECT_EQ(text, got[0].first);
  // The scheduler counts its batch after publishing the step's tokens: allow it that moment.
  for (int i = 0; i < 1000 && s.active() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(s.active(), 0u);
  EXPECT_EQ(s.queued(), 0u);
}

TEST_F(SchedulerTest, StopStringsAndLimits) {
  Scheduler s(*model_->transformer, *model_->tokenizer, {});
  GenerationRequest r = Greedy("Once upon a time", 40);
  r.stop = {" Lily"};
  auto got = RunAll(s, {std::move(r)});
  EXPECT_EQ(got[0].first, ", there was a little girl named");
  EXPECT_EQ(got[0].second, FinishReason::kStop);

  EXPECT_EQ(s.context(), 128u);  // the model's own context caps the option's 4096
  auto too_long = s.Submit(Greedy("Once upon a time", 125), [] {});
  EXPECT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message().find("context is 128 tokens"), std::string::npos);
}

TEST_F(SchedulerTest, CancelledRequestsLeaveAndStoppingFailsTheRest) {
  SchedulerOptions options;
  options.parallel = 1;
  auto s = std::make_unique<Scheduler>(*model_->transformer, *model_->tokenizer, options);
  auto running = s->Submit(Greedy("Once upon a time", 100), [] {});
  ASSERT_TRUE(running.ok());
  (*running)->Cancel();
  auto next = RunAll(*s, {Greedy("The cat", 5)});
  EXPECT_EQ(next[0].second, FinishReason::kLength);
  for (;;) {  // the cancelled one was finished as cancelled (or had finished already)
    auto u = (*running)->Take();
    if (u.finish != FinishReason::kNone) {
      EXPECT_TRUE(u.finish == FinishReason::kCancelled || u.finish == FinishReason::kLength);
      break;
    }
  }
  s->Stop();
  auto after = s->Submit(Greedy("x", 1), [] {});
  EXPECT_FALSE(after.ok());
}

TEST_F(SchedulerTest, AStepMixingSequencesEqualsRunningThemApart) {
  const Transformer& t = *model_->transformer;
  const ModelConfig& c = t.config();
  const std::vector<TokenId> a = {1, 20, 30, 40}, b = {1, 50, 60};
  KvCache ca(c, 16), cb(c, 16), solo_a(c, 16), solo_b(c, 16);
  std::vector<float> want_a(c.vocab_size), want_b(c.vocab_size);
  t.Prefill(a, 0, solo_a, want_a.data());
  t.Prefill(b, 0, solo_b, want_b.data());
  // One step: all of a's prompt and all of b's, logits for the last of each.
  std::vector<BatchToken> batch;
  for (size_t i = 0; i < a.size(); ++i) batch.push_back({a[i], i, &ca, i + 1 == a.size()});
  for (size_t i = 0; i < b.size(); ++i) batch.push_back({b[i], i, &cb, i + 1 == b.size()});
  std::vector<float> got(2 * c.vocab_size);
  t.Step(batch, got.data());
  for (size_t i = 0; i < c.vocab_size; ++i) {
    ASSERT_NEAR(got[i], want_a[i], 1e-4f) << i;
    ASSERT_NEAR(got[c.vocab_size + i], want_b[i], 1e-4f) << i;
  }
}

}  // namespace
}  // namespace bastion::engine
