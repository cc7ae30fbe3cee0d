#include "sandbox/worker_runner.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "sandbox/frame_io.h"
#include "sandbox/worker_process.h"

namespace bastion::sandbox {
namespace {

using Clock = std::chrono::steady_clock;
using engine::FinishReason;

constexpr auto kFirstRestartDelay = std::chrono::seconds(1);
constexpr auto kMaxRestartDelay = std::chrono::seconds(30);
// A worker that ran this long before dying restarts after the first delay again.
constexpr auto kStableAfter = std::chrono::seconds(60);
constexpr auto kWatchEvery = std::chrono::milliseconds(200);

engine::Generation::Update Ended(FinishReason reason, std::string error) {
  engine::Generation::Update u;
  u.finish = reason;
  u.error = std::move(error);
  return u;
}

}  // namespace

// One worker process and the thread that writes its frames.
struct WorkerRunner::Process {
  WorkerProcess os;
  Clock::time_point started = Clock::now();
  std::vector<std::string> outbox;  // guarded by the runner's mu_
  bool closing = false;             // guarded by the runner's mu_
  std::thread writer;
};

WorkerRunner::WorkerRunner(WorkerRunnerOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<WorkerRunner>> WorkerRunner::Start(WorkerRunnerOptions options) {
  std::unique_ptr<WorkerRunner> r(new WorkerRunner(std::move(options)));
  if (Status st = r->Launch(); !st.ok()) return st;
  r->supervisor_ = std::thread([p = r.get()] { p->Supervise(); });
  r->watchdog_ = std::thread([p = r.get()] { p->Watch(); });
  return r;
}

WorkerRunner::~WorkerRunner() { Stop(); }

Status WorkerRunner::Launch() {
  auto spawned = SpawnWorker(options_.executable, options_.args);
  if (!spawned.ok()) return spawned.status();
  auto process = std::make_unique<Process>();
  process->os = *spawned;
  {
    std::lock_guard lock(mu_);
    if (stopping_) kill(process->os.pid, SIGKILL);
    process_ = std::move(process);
  }
  const WorkerProcess os = process_->os;
  auto fail = [&](const std::string& error) {
    const std::string how = Retire("");
    return Status::FailedPrecondition("model '" + options_.model +
                                      "': " + (error.empty() ? "the engine worker " + how : error));
  };
  FrameReader reader(os.fd);
  auto frame = reader.Next();
  if (!frame.ok()) return fail(frame.status().message());
  if (!*frame) return fail("");
  auto message = DecodeFrame(**frame);
  if (!message.ok())
    return fail("the engine worker's first message: " + message.status().message());
  if (auto* failed = std::get_if<LoadFailedMessage>(&*message)) return fail(failed->error);
  auto* hello = std::get_if<HelloMessage>(&*message);
  if (hello == nullptr) return fail("the engine worker did not start with a Hello");
  if (token_texts_.empty()) {  // the first worker's; later ones load the same files
    info_ = hello->info;
    token_texts_ = std::move(hello->token_texts);
  }
  std::lock_guard lock(mu_);
  confinement_ = hello->confinement;
  up_ = !stopping_;
  progress_ = Clock::now();
  Process* p = process_.get();
  p->writer = std::thread([this, p] {
    std::unique_lock lock(mu_);
    for (;;) {
      changed_.wait(lock, [&] { return p->closing || !p->outbox.empty(); });
      if (p->closing) return;
      std::string batch;
      for (const std::string& f : p->outbox) batch += f;
      p->outbox.clear();
      lock.unlock();
      const bool sent = WriteAll(p->os.fd, batch).ok();
      lock.lock();
      if (!sent) return;  // the reader sees the channel end too
    }
  });
  return Status::Ok();
}

void WorkerRunner::Supervise() {
  Clock::duration delay{0};
  for (;;) {
    int fd;
    Clock::time_point started;
    {
      std::lock_guard lock(mu_);
      if (process_ == nullptr) return;
      fd = process_->os.fd;
      started = process_->started;
    }
    Retire(ReadMessages(fd));
    // A worker that dies soon after starting waits longer each time, up to kMaxRestartDelay.
    const bool ran_long = Clock::now() - started >= kStableAfter;
    delay = ran_long || delay == Clock::duration{0}
                ? Clock::duration(kFirstRestartDelay)
                : std::min<Clock::duration>(delay * 2, kMaxRestartDelay);
    for (;;) {
      std::unique_lock lock(mu_);
      if (changed_.wait_for(lock, delay, [&] { return stopping_; })) return;
      lock.unlock();
      Status st = Launch();
      if (st.ok()) break;
      if (stopping()) return;
      spdlog::error("engine worker for model '{}' did not start: {}", options_.model, st.message());
      delay = std::min<Clock::duration>(delay * 2, kMaxRestartDelay);
    }
  }
}

std::string WorkerRunner::ReadMessages(int fd) {
  FrameReader reader(fd);
  for (;;) {
    auto frame = reader.Next();
    if (!frame.ok()) return frame.status().message();
    if (!*frame) return "closed its channel";
    auto message = DecodeFrame(**frame);
    if (!message.ok()) return "sent a malformed message (" + message.status().message() + ")";
    if (auto* update = std::get_if<UpdateMessage>(&*message)) {
      Dispatch(std::move(*update));
    } else if (auto* beat = std::get_if<HeartbeatMessage>(&*message)) {
      std::lock_guard lock(mu_);
      if (beat->steps != steps_) progress_ = Clock::now();
      steps_ = beat->steps;
      queued_ = beat->queued;
    } else {
      return "sent a message out of turn";
    }
  }
}

void WorkerRunner::Dispatch(UpdateMessage update) {
  std::shared_ptr<engine::Generation> generation;
  {
    std::lock_guard lock(mu_);
    progress_ = Clock::now();
    auto it = in_flight_.find(update.id);
    if (it == in_flight_.end()) return;
    generation = it->second;
    if (update.update.finish != FinishReason::kNone) in_flight_.erase(it);
  }
  generation->Deliver(std::move(update.update));
}

std::string WorkerRunner::Retire(const std::string& why) {
  std::unique_ptr<Process> process;
  std::map<uint64_t, std::shared_ptr<engine::Generation>> lost;
  bool stopping;
  std::string hang;
  {
    std::lock_guard lock(mu_);
    process = std::move(process_);
    lost = std::move(in_flight_);
    in_flight_.clear();
    up_ = false;
    stopping = stopping_;
    hang = std::exchange(hang_, "");
    if (process) process->closing = true;
  }
  changed_.notify_all();
  if (process == nullptr) return "";
  kill(process->os.pid, SIGKILL);
  shutdown(process->os.fd, SHUT_RDWR);
  if (process->writer.joinable()) process->writer.join();
  close(process->os.fd);
  const std::string how = ReapWorker(process->os.pid);
  if (why.empty()) return how;  // a failed launch; Launch reports it
  if (stopping) {
    for (auto& [id, g] : lost) {
      g->Deliver(Ended(FinishReason::kError, "the server is shutting down"));
    }
    return how;
  }
  // Clients learn how the worker ended, not the channel's details or the model's path.
  const std::string what = hang.empty() ? how : hang;
  spdlog::warn("engine worker for model '{}' (pid {}) {}; {} request(s) lost; restarting",
               options_.model, process->os.pid, hang.empty() ? why + ", then " + how : hang,
               lost.size());
  for (auto& [id, g] : lost) {
    g->Deliver(Ended(FinishReason::kAborted,
                     "the engine worker " + what + "; the request was lost; retry it"));
  }
  {
    std::lock_guard lock(mu_);
    ++restarts_;
  }
  if (options_.on_restart) options_.on_restart();
  return how;
}

void WorkerRunner::Watch() {
  std::unique_lock lock(mu_);
  while (!changed_.wait_for(lock, kWatchEvery, [&] { return stopping_; })) {
    if (!up_ || in_flight_.empty() || process_ == nullptr || !hang_.empty()) continue;
    const auto silent = Clock::now() - progress_;
    if (silent < options_.hang_timeout) continue;
    hang_ = "made no progress for " + FormatDuration(options_.hang_timeout) +
            " with requests in flight and was killed";
    kill(process_->os.pid, SIGKILL);
  }
}

void WorkerRunner::Enqueue(std::string frame) {
  // REQUIRES: mu_ held and a process running.
  process_->outbox.push_back(std::move(frame));
  changed_.notify_all();
}

Result<std::shared_ptr<engine::Generation>> WorkerRunner::Submit(engine::RunnerJob job,
                                                                 std::function<void()> notify) {
  std::lock_guard lock(mu_);
  if (!up_ || process_ == nullptr) {
    return Status::Unavailable("the engine worker is restarting; retry shortly");
  }
  const uint64_t id = next_id_++;
  auto generation = std::make_shared<engine::Generation>(std::move(notify), [this, id] {
    std::lock_guard lock(mu_);
    if (in_flight_.count(id) && process_) Enqueue(EncodeFrame(CancelMessage{id}));
  });
  if (in_flight_.empty()) progress_ = Clock::now();
  in_flight_[id] = generation;
  Enqueue(EncodeFrame(SubmitMessage{id, std::move(job)}));
  return generation;
}

std::string WorkerRunner::TokenText(engine::TokenId id) const {
  if (id < 0 || static_cast<size_t>(id) >= token_texts_.size()) return "";
  return token_texts_[static_cast<size_t>(id)];
}

bool WorkerRunner::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

bool WorkerRunner::Ready() const {
  std::lock_guard lock(mu_);
  return up_;
}

// The gateway knows exactly how many requests are in flight; the worker's last heartbeat
// says how many of them wait for a place in the batch.
size_t WorkerRunner::active() const {
  std::lock_guard lock(mu_);
  return in_flight_.size() - std::min<size_t>(queued_, in_flight_.size());
}

size_t WorkerRunner::queued() const {
  std::lock_guard lock(mu_);
  return std::min<size_t>(queued_, in_flight_.size());
}

std::string WorkerRunner::confinement() const {
  std::lock_guard lock(mu_);
  return confinement_;
}

uint64_t WorkerRunner::restarts() const {
  std::lock_guard lock(mu_);
  return restarts_;
}

pid_t WorkerRunner::pid() const {
  std::lock_guard lock(mu_);
  return up_ && process_ ? process_->os.pid : -1;
}

void WorkerRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    if (process_) kill(process_->os.pid, SIGKILL);
  }
  changed_.notify_all();
  if (supervisor_.joinable()) supervisor_.join();
  if (watchdog_.joinable()) watchdog_.join();
  Retire("the server is shutting down");
}

}  // namespace bastion::sandbox
