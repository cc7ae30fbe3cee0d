#include "sandbox/worker_protocol.h"

#include "sandbox/wire.h"

namespace bastion::sandbox {
namespace {

using engine::FinishReason;
using engine::PromptSpec;

// Frame types: the variant's index, so the two can never disagree.
constexpr uint8_t kLastType = std::variant_size_v<WorkerMessage> - 1;

template <typename T>
void PutOptional(WireWriter& w, const std::optional<T>& v) {
  w.Put<uint8_t>(v ? 1 : 0);
  w.Put<T>(v.value_or(T{}));
}

template <typename T>
std::optional<T> GetOptional(WireReader& r) {
  const bool present = r.Get<uint8_t>() != 0;
  const T value = r.Get<T>();
  return present ? std::optional<T>(value) : std::nullopt;
}

void Put(WireWriter& w, const HelloMessage& m) {
  const engine::RunnerInfo& i = m.info;
  w.Str(i.name).Put<uint8_t>(static_cast<uint8_t>(i.format)).Str(i.bos_text);
  w.Put<uint64_t>(i.vocab_size).Put<uint64_t>(i.context);
  PutOptional(w, i.defaults.temperature);
  PutOptional(w, i.defaults.top_p);
  PutOptional(w, i.defaults.top_k);
  PutOptional(w, i.defaults.repetition_penalty);
  PutOptional(w, i.defaults.bos_id);
  w.Put<uint32_t>(static_cast<uint32_t>(i.defaults.eos_ids.size()));
  for (engine::TokenId id : i.defaults.eos_ids) w.Put<int32_t>(id);
  w.Str(m.confinement).Put<uint32_t>(static_cast<uint32_t>(m.token_texts.size()));
  for (const std::string& t : m.token_texts) w.Str(t);
}

HelloMessage GetHello(WireReader& r) {
  HelloMessage m;
  engine::RunnerInfo& i = m.info;
  i.name = r.Str();
  i.format = static_cast<engine::ChatFormat>(
      r.Enum(static_cast<uint8_t>(engine::ChatFormat::kChatMl), "chat format"));
  i.bos_text = r.Str();
  i.vocab_size = r.Get<uint64_t>();
  i.context = r.Get<uint64_t>();
  i.defaults.temperature = GetOptional<float>(r);
  i.defaults.top_p = GetOptional<float>(r);
  i.defaults.top_k = GetOptional<int32_t>(r);
  i.defaults.repetition_penalty = GetOptional<float>(r);
  i.defaults.bos_id = GetOptional<int32_t>(r);
  for (uint32_t n = r.Count(4); n > 0; --n) i.defaults.eos_ids.push_back(r.Get<int32_t>());
  m.confinement = r.Str();
  for (uint32_t n = r.Count(4); n > 0; --n) m.token_texts.push_back(r.Str());
  return m;
}

void Put(WireWriter& w, const LoadFailedMessage& m) { w.Str(m.error); }
LoadFailedMessage GetLoadFailed(WireReader& r) { return {r.Str()}; }

void Put(WireWriter& w, const SubmitMessage& m) {
  const engine::RunnerJob& j = m.job;
  w.Put<uint64_t>(m.id).Put<uint8_t>(static_cast<uint8_t>(j.prompt.kind));
  w.Put<uint32_t>(static_cast<uint32_t>(j.prompt.segments.size()));
  for (const auto& s : j.prompt.segments) w.Str(s.text).Put<uint8_t>(s.is_template ? 1 : 0);
  w.Put<uint32_t>(static_cast<uint32_t>(j.prompt.token_ids.size()));
  for (int64_t id : j.prompt.token_ids) w.Put<int64_t>(id);
  w.Str(j.prompt.text);
  const engine::SamplingParams& s = j.sampling;
  w.Put<float>(s.temperature).Put<int32_t>(s.top_k).Put<float>(s.top_p).Put<float>(s.min_p);
  w.Put<float>(s.repetition_penalty).Put<float>(s.frequency_penalty);
  w.Put<float>(s.presence_penalty).Put<uint64_t>(s.seed).Put<int32_t>(s.top_logprobs);
  w.Put<uint64_t>(j.max_tokens).Put<uint32_t>(static_cast<uint32_t>(j.stop.size()));
  for (const std::string& stop : j.stop) w.Str(stop);
}

SubmitMessage GetSubmit(WireReader& r) {
  SubmitMessage m;
  engine::RunnerJob& j = m.job;
  m.id = r.Get<uint64_t>();
  j.prompt.kind = static_cast<PromptSpec::Kind>(
      r.Enum(static_cast<uint8_t>(PromptSpec::Kind::kText), "prompt kind"));
  for (uint32_t n = r.Count(5); n > 0; --n) {
    std::string text = r.Str();
    j.prompt.segments.push_back({std::move(text), r.Get<uint8_t>() != 0});
  }
  for (uint32_t n = r.Count(8); n > 0; --n) j.prompt.token_ids.push_back(r.Get<int64_t>());
  j.prompt.text = r.Str();
  engine::SamplingParams& s = j.sampling;
  s.temperature = r.Get<float>();
  s.top_k = r.Get<int32_t>();
  s.top_p = r.Get<float>();
  s.min_p = r.Get<float>();
  s.repetition_penalty = r.Get<float>();
  s.frequency_penalty = r.Get<float>();
  s.presence_penalty = r.Get<float>();
  s.seed = r.Get<uint64_t>();
  s.top_logprobs = r.Get<int32_t>();
  j.max_tokens = r.Get<uint64_t>();
  for (uint32_t n = r.Count(4); n > 0; --n) j.stop.push_back(r.Str());
  return m;
}

void Put(WireWriter& w, const CancelMessage& m) { w.Put<uint64_t>(m.id); }
CancelMessage GetCancel(WireReader& r) { return {r.Get<uint64_t>()}; }

void Put(WireWriter& w, const UpdateMessage& m) {
  const engine::Generation::Update& u = m.update;
  w.Put<uint64_t>(m.id).Put<uint8_t>(u.accepted ? 1 : 0);
  w.Put<uint64_t>(u.prompt_tokens).Put<uint64_t>(u.completion_tokens).Str(u.text);
  w.Put<uint32_t>(static_cast<uint32_t>(u.tokens.size()));
  for (const engine::SampledToken& t : u.tokens) {
    w.Put<int32_t>(t.id).Put<float>(t.logprob).Put<uint32_t>(static_cast<uint32_t>(t.top.size()));
    for (const engine::TokenLogprob& alt : t.top) w.Put<int32_t>(alt.id).Put<float>(alt.logprob);
  }
  w.Put<uint8_t>(static_cast<uint8_t>(u.finish)).Put<uint8_t>(static_cast<uint8_t>(u.error_code));
  w.Str(u.error);
}

UpdateMessage GetUpdate(WireReader& r) {
  UpdateMessage m;
  engine::Generation::Update& u = m.update;
  m.id = r.Get<uint64_t>();
  u.accepted = r.Get<uint8_t>() != 0;
  u.prompt_tokens = r.Get<uint64_t>();
  u.completion_tokens = r.Get<uint64_t>();
  u.text = r.Str();
  for (uint32_t n = r.Count(12); n > 0 && r.ok(); --n) {
    engine::SampledToken t{r.Get<int32_t>(), r.Get<float>(), {}};
    for (uint32_t k = r.Count(8); k > 0; --k) t.top.push_back({r.Get<int32_t>(), r.Get<float>()});
    u.tokens.push_back(std::move(t));
  }
  u.finish = static_cast<FinishReason>(
      r.Enum(static_cast<uint8_t>(FinishReason::kAborted), "finish reason"));
  u.error_code =
      static_cast<StatusCode>(r.Enum(static_cast<uint8_t>(StatusCode::kInternal), "error code"));
  u.error = r.Str();
  return m;
}

void Put(WireWriter& w, const HeartbeatMessage& m) {
  w.Put<uint64_t>(m.steps).Put<uint64_t>(m.active).Put<uint64_t>(m.queued);
}
HeartbeatMessage GetHeartbeat(WireReader& r) {
  return {r.Get<uint64_t>(), r.Get<uint64_t>(), r.Get<uint64_t>()};
}

}  // namespace

std::string EncodeFrame(const WorkerMessage& message) {
  WireWriter body;
  body.Put<uint8_t>(static_cast<uint8_t>(message.index()));
  std::visit([&](const auto& m) { Put(body, m); }, message);
  std::string payload = body.Take();
  WireWriter frame;
  frame.Put<uint32_t>(static_cast<uint32_t>(payload.size()));
  return frame.Take() + payload;
}

Result<WorkerMessage> DecodeFrame(std::string_view body) {
  WireReader r(body);
  WorkerMessage message;
  switch (r.Enum(kLastType, "message type")) {
    case 0:
      message = GetHello(r);
      break;
    case 1:
      message = GetLoadFailed(r);
      break;
    case 2:
      message = GetSubmit(r);
      break;
    case 3:
      message = GetCancel(r);
      break;
    case 4:
      message = GetUpdate(r);
      break;
    case 5:
      message = GetHeartbeat(r);
      break;
  }
  if (Status st = r.Finish(); !st.ok()) return st;
  return message;
}

}  // namespace bastion::sandbox
