#pragma once
// The gateway's side of an engine worker: a ModelRunner whose model runs in a confined
// `bastion worker` process. It starts the worker, forwards jobs and cancellations, and
// delivers the worker's updates to each Generation. When the worker dies, is killed, breaks
// the protocol, or has requests in flight but makes no progress for `hang_timeout`, every
// request in flight ends as FinishReason::kAborted and a new worker is started (after 1 s,
// doubling up to 30 s while it keeps failing); meanwhile Submit fails with Unavailable.
//
// Threads: a supervisor (reads the worker's messages, restarts it), a watchdog, and one
// writer per worker process. Every public method is thread-safe.

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/duration.h"
#include "engine/serving/model_runner.h"
#include "sandbox/worker_protocol.h"

namespace bastion::sandbox {

struct WorkerRunnerOptions {
  std::string executable = "/proc/self/exe";  // the bastion binary
  std::vector<std::string> args;              // `bastion worker` flags after --fd
  std::string model;                          // names the model in messages
  Millis hang_timeout{120'000};
  std::function<void()> on_restart;  // called on the supervisor's thread after each death
};

class WorkerRunner : public engine::ModelRunner {
 public:
  // Starts the worker and waits until it has loaded the model; its error when it could not.
  static Result<std::unique_ptr<WorkerRunner>> Start(WorkerRunnerOptions options);
  ~WorkerRunner() override;

  const engine::RunnerInfo& info() const override { return info_; }
  Result<std::shared_ptr<engine::Generation>> Submit(engine::RunnerJob job,
                                                     std::function<void()> notify) override;
  std::string TokenText(engine::TokenId id) const override;
  bool Ready() const override;
  size_t active() const override;
  size_t queued() const override;
  void Stop() override;

  // What the kernel enforces on the worker (Confinement::Describe), and restarts so far.
  std::string confinement() const;
  uint64_t restarts() const;
  pid_t pid() const;  // the current worker's, -1 while none runs

 private:
  struct Process;
  explicit WorkerRunner(WorkerRunnerOptions options);
  // Spawns a worker and reads its Hello. REQUIRES: no worker running.
  Status Launch();
  void Supervise();
  void Watch();
  // Reads and dispatches the worker's messages until the channel ends; says why it ended.
  std::string ReadMessages(int fd);
  void Dispatch(UpdateMessage update);
  // Ends the process, its writer and every request in flight; `why` says what happened ("":
  // a launch that failed, nothing to report). Returns how the process ended.
  std::string Retire(const std::string& why);
  void Enqueue(std::string frame);
  bool stopping() const;

  const WorkerRunnerOptions options_;
  engine::RunnerInfo info_;
  std::vector<std::string> token_texts_;  // written by Launch before the first Ready

  mutable std::mutex mu_;
  std::condition_variable changed_;   // stop, a new frame to write, a worker up or down
  std::unique_ptr<Process> process_;  // guarded by mu_; null while none runs
  std::map<uint64_t, std::shared_ptr<engine::Generation>> in_flight_;  // guarded by mu_
  uint64_t next_id_ = 1;                                               // guarded by mu_
  bool up_ = false;                                                    // guarded by mu_
  bool stopping_ = false;                                              // guarded by mu_
  std::string hang_;         // guarded by mu_: why the watchdog killed the worker, if it did
  std::string confinement_;  // guarded by mu_
  uint64_t restarts_ = 0;    // guarded by mu_
  uint64_t steps_ = 0, queued_ = 0;  // guarded by mu_: the last heartbeat's
  std::chrono::steady_clock::time_point progress_;  // guarded by mu_: last sign of life
  std::thread supervisor_, watchdog_;
};

}  // namespace bastion::sandbox
