#pragma once
// The worker's side of the channel once the model is loaded: a reader (the calling thread)
// that submits and cancels jobs, and a writer thread that sends each Generation's news and
// a heartbeat every second. Every frame leaves through the writer, so frames never interleave.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "engine/serving/local_runner.h"
#include "sandbox/worker_protocol.h"

namespace bastion::sandbox {

class WorkerSession {
 public:
  // REQUIRES: runner and fd outlive the session.
  WorkerSession(engine::LocalRunner& runner, int fd) : runner_(runner), fd_(fd) {}
  // Serves until the gateway closes the channel; OK then, else what broke.
  Status Serve();

 private:
  void Handle(SubmitMessage submit);
  void Handle(const CancelMessage& cancel);
  void MarkDirty(uint64_t id);
  void Send(std::string frame);
  void WriterLoop();
  // Frames for every Generation with news; drops the finished ones. REQUIRES: mu_ held.
  void CollectUpdates(std::vector<std::string>& frames);

  engine::LocalRunner& runner_;
  const int fd_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::map<uint64_t, std::shared_ptr<engine::Generation>> live_;  // guarded by mu_
  std::set<uint64_t> dirty_;                                      // guarded by mu_
  std::vector<std::string> outbox_;                               // guarded by mu_
  bool closing_ = false;                                          // guarded by mu_
  bool broken_ = false;                                           // guarded by mu_
};

}  // namespace bastion::sandbox
