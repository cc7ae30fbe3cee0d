// The gateway-worker messages round-trip field by field, and the decoder refuses what a
// compromised worker could send: torn frames, counts larger than the bytes left, unknown
// types and enum values, trailing bytes.
#include "sandbox/worker_protocol.h"

#include <gtest/gtest.h>

#include "sandbox/wire.h"

namespace bastion::sandbox {
namespace {

WorkerMessage RoundTrip(const WorkerMessage& m) {
  const std::string frame = EncodeFrame(m);
  EXPECT_EQ(LoadLittleEndian<uint32_t>(reinterpret_cast<const uint8_t*>(frame.data())),
            frame.size() - 4);
  auto back = DecodeFrame(std::string_view(frame).substr(4));
  EXPECT_TRUE(back.ok()) << back.status().ToString();
  return back.ok() ? *back : WorkerMessage{};
}

TEST(WorkerProtocol, HelloRoundTrips) {
  HelloMessage hello;
  hello.info.name = "DeepSeek-R1-Distill-Qwen-1.5B";
  hello.info.format = engine::ChatFormat::kDeepSeekR1;
  hello.info.bos_text = "<｜begin▁of▁sentence｜>";
  hello.info.vocab_size = 3;
  hello.info.context = 4096;
  hello.info.defaults.temperature = 0.6f;
  hello.info.defaults.top_k = 40;
  hello.info.defaults.eos_ids = {1, 2};
  hello.confinement = "seccomp, landlock ABI 7";
  hello.token_texts = {"a", "", std::string("\xff\0z", 3)};
  auto back = std::get<HelloMessage>(RoundTrip(hello));
  EXPECT_EQ(back.info.name, hello.info.name);
  EXPECT_EQ(back.info.format, engine::ChatFormat::kDeepSeekR1);
  EXPECT_EQ(back.info.bos_text, hello.info.bos_text);
  EXPECT_EQ(back.info.context, 4096u);
  EXPECT_EQ(back.info.defaults.temperature, 0.6f);
  EXPECT_FALSE(back.info.defaults.top_p.has_value());
  EXPECT_EQ(back.info.defaults.top_k, 40);
  EXPECT_FALSE(back.info.defaults.bos_id.has_value());
  EXPECT_EQ(back.info.defaults.eos_ids, (std::vector<engine::TokenId>{1, 2}));
  EXPECT_EQ(back.confinement, hello.confinement);
  EXPECT_EQ(back.token_texts, hello.token_texts);
}

TEST(WorkerProtocol, SubmitRoundTrips) {
  SubmitMessage submit;
  submit.id = 1ull << 40;
  submit.job.prompt.kind = engine::PromptSpec::Kind::kChat;
  submit.job.prompt.segments = {{"<|im_start|>user\n", true}, {"hi <|im_end|>", false}};
  submit.job.prompt.token_ids = {-1, 1ll << 40};
  submit.job.sampling.temperature = 0;
  submit.job.sampling.top_p = 0.9f;
  submit.job.sampling.seed = 42;
  submit.job.sampling.top_logprobs = 5;
  submit.job.max_tokens = 7;
  submit.job.stop = {"\n\n", "END"};
  auto back = std::get<SubmitMessage>(RoundTrip(submit));
  EXPECT_EQ(back.id, submit.id);
  EXPECT_EQ(back.job.prompt.kind, engine::PromptSpec::Kind::kChat);
  ASSERT_EQ(back.job.prompt.segments.size(), 2u);
  EXPECT_TRUE(back.job.prompt.segments[0].is_template);
  EXPECT_FALSE(back.job.prompt.segments[1].is_template);
  EXPECT_EQ(back.job.prompt.segments[1].text, "hi <|im_end|>");
  EXPECT_EQ(back.job.prompt.token_ids, submit.job.prompt.token_ids);
  EXPECT_EQ(back.job.sampling.top_p, 0.9f);
  EXPECT_EQ(back.job.sampling.seed, 42u);
  EXPECT_EQ(back.job.sampling.top_logprobs, 5);
  EXPECT_EQ(back.job.max_tokens, 7u);
  EXPECT_EQ(back.job.stop, submit.job.stop);
}

TEST(WorkerProtocol, UpdateRoundTrips) {
  UpdateMessage update;
  update.id = 9;
  update.update.accepted = true;
  update.update.prompt_tokens = 12;
  update.update.completion_tokens = 2;
  update.update.text = "Once";
  update.update.tokens = {{5, -0.25f, {{5, -0.25f}, {6, -2.0f}}}, {7, -1.0f, {}}};
  update.update.finish = engine::FinishReason::kRejected;
  update.update.error_code = StatusCode::kResourceExhausted;
  update.update.error = "too long";
  auto back = std::get<UpdateMessage>(RoundTrip(update));
  EXPECT_EQ(back.id, 9u);
  EXPECT_TRUE(back.update.accepted);
  EXPECT_EQ(back.update.prompt_tokens, 12u);
  EXPECT_EQ(back.update.text, "Once");
  ASSERT_EQ(back.update.tokens.size(), 2u);
  EXPECT_EQ(back.update.tokens[0].top.size(), 2u);
  EXPECT_EQ(back.update.tokens[0].top[1].logprob, -2.0f);
  EXPECT_EQ(back.update.tokens[1].id, 7);
  EXPECT_EQ(back.update.finish, engine::FinishReason::kRejected);
  EXPECT_EQ(back.update.error_code, StatusCode::kResourceExhausted);
  EXPECT_EQ(back.update.error, "too long");
}

TEST(WorkerProtocol, SmallMessagesRoundTrip) {
  EXPECT_EQ(std::get<CancelMessage>(RoundTrip(CancelMessage{77})).id, 77u);
  auto beat = std::get<HeartbeatMessage>(RoundTrip(HeartbeatMessage{5, 2, 1}));
  EXPECT_EQ(beat.steps, 5u);
  EXPECT_EQ(beat.active, 2u);
  EXPECT_EQ(beat.queued, 1u);
  EXPECT_EQ(std::get<LoadFailedMessage>(RoundTrip(LoadFailedMessage{"bad file"})).error,
            "bad file");
}

std::string Body(const WorkerMessage& m) { return EncodeFrame(m).substr(4); }

TEST(WorkerProtocol, EveryTruncationIsRefused) {
  UpdateMessage update{3, {}};
  update.update.text = "abc";
  update.update.tokens = {{1, -1.0f, {{2, -3.0f}}}};
  const std::string body = Body(update);
  for (size_t n = 0; n < body.size(); ++n) {
    EXPECT_FALSE(DecodeFrame(body.substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(DecodeFrame(body + "x").ok());  // trailing bytes
}

TEST(WorkerProtocol, UnknownTypesAndEnumsAreRefused) {
  auto bad_type = DecodeFrame(std::string("\x06", 1));
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.status().message().find("message type 6"), std::string::npos);

  UpdateMessage update{1, {}};
  std::string body = Body(update);
  body[body.size() - 6] = 42;  // finish reason, before error code and the empty error string
  auto bad_finish = DecodeFrame(body);
  ASSERT_FALSE(bad_finish.ok());
  EXPECT_NE(bad_finish.status().message().find("finish reason 42"), std::string::npos);
}

TEST(WorkerProtocol, CountsBeyondTheFrameAreRefusedBeforeAllocating) {
  // A Hello whose token list claims four billion entries in a few bytes.
  WireWriter w;
  w.Put<uint8_t>(0).Str("m").Put<uint8_t>(0).Str("").Put<uint64_t>(1).Put<uint64_t>(1);
  for (int i = 0; i < 5; ++i) w.Put<uint8_t>(0).Put<uint32_t>(0);  // five absent optionals
  w.Put<uint32_t>(0).Str("").Put<uint32_t>(0xffffffffu);
  auto decoded = DecodeFrame(w.Take());
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("does not fit"), std::string::npos)
      << decoded.status().ToString();
}

}  // namespace
}  // namespace bastion::sandbox
