#include "sandbox/worker_session.h"

#include <chrono>

#include "sandbox/frame_io.h"

namespace bastion::sandbox {
namespace {

constexpr auto kHeartbeatEvery = std::chrono::seconds(1);

}  // namespace

Status WorkerSession::Serve() {
  std::thread writer([this] { WriterLoop(); });
  FrameReader reader(fd_);
  Status result;
  for (;;) {
    auto frame = reader.Next();
    if (!frame.ok()) {
      result = frame.status();
      break;
    }
    if (!*frame) break;  // the gateway closed the channel
    auto message = DecodeFrame(**frame);
    if (!message.ok()) {
      result = message.status();
      break;
    }
    if (auto* submit = std::get_if<SubmitMessage>(&*message)) {
      Handle(std::move(*submit));
    } else if (auto* cancel = std::get_if<CancelMessage>(&*message)) {
      Handle(*cancel);
    } else {
      result = Status::InvalidArgument("the gateway sent a message only workers send");
      break;
    }
  }
  runner_.Stop();
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  wake_.notify_all();
  writer.join();
  return result;
}

void WorkerSession::Handle(SubmitMessage submit) {
  const uint64_t id = submit.id;
  auto generation = runner_.Submit(std::move(submit.job), [this, id] { MarkDirty(id); });
  if (!generation.ok()) {
    UpdateMessage rejected{id, {}};
    rejected.update.finish = engine::FinishReason::kRejected;
    rejected.update.error = generation.status().message();
    rejected.update.error_code = generation.status().code();
    Send(EncodeFrame(rejected));
    return;
  }
  std::lock_guard lock(mu_);
  live_[id] = *generation;
  dirty_.insert(id);  // its acceptance may have been announced before it was registered
  wake_.notify_all();
}

void WorkerSession::Handle(const CancelMessage& cancel) {
  std::lock_guard lock(mu_);
  if (auto it = live_.find(cancel.id); it != live_.end()) it->second->Cancel();
}

void WorkerSession::MarkDirty(uint64_t id) {
  {
    std::lock_guard lock(mu_);
    dirty_.insert(id);
  }
  wake_.notify_all();
}

void WorkerSession::Send(std::string frame) {
  {
    std::lock_guard lock(mu_);
    outbox_.push_back(std::move(frame));
  }
  wake_.notify_all();
}

void WorkerSession::CollectUpdates(std::vector<std::string>& frames) {
  for (uint64_t id : dirty_) {
    auto it = live_.find(id);
    if (it == live_.end()) continue;
    UpdateMessage m{id, it->second->Take()};
    if (m.update.finish != engine::FinishReason::kNone) live_.erase(it);
    frames.push_back(EncodeFrame(m));
  }
  dirty_.clear();
}

void WorkerSession::WriterLoop() {
  auto next_heartbeat = std::chrono::steady_clock::now();
  uint64_t last_queued = 0;
  std::unique_lock lock(mu_);
  while (!broken_) {
    wake_.wait_until(lock, next_heartbeat,
                     [&] { return closing_ || !dirty_.empty() || !outbox_.empty(); });
    std::vector<std::string> frames = std::move(outbox_);
    outbox_.clear();
    CollectUpdates(frames);
    // A heartbeat every second, and with news whenever the queue's length changed.
    const auto now = std::chrono::steady_clock::now();
    const HeartbeatMessage beat{runner_.steps(), runner_.active(), runner_.queued()};
    if (now >= next_heartbeat || (!frames.empty() && beat.queued != last_queued)) {
      frames.push_back(EncodeFrame(beat));
      next_heartbeat = now + kHeartbeatEvery;
      last_queued = beat.queued;
    }
    const bool closing = closing_;
    lock.unlock();
    std::string batch;
    for (const std::string& f : frames) batch += f;
    const bool sent = batch.empty() || WriteAll(fd_, batch).ok();
    lock.lock();
    if (!sent) broken_ = true;
    if (closing && outbox_.empty() && dirty_.empty()) break;
  }
}

}  // namespace bastion::sandbox
