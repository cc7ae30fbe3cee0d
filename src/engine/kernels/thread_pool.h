#pragma once
// A fixed set of worker threads that split loops with the calling thread: ParallelFor blocks
// until every part is done. Between jobs, threads spin briefly before they sleep. Built for the
// engine's matrix-vector products, where a token runs a few hundred short loops: no allocation and
// no task queue per loop. One caller at a time (the engine's thread); the workers live as long as
// the pool.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace bastion::engine {

class ThreadPool {
 public:
  // `threads` counts the caller: ThreadPool(1) starts no worker.
  explicit ThreadPool(size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t size() const { return workers_.size() + 1; }

  // Calls fn(begin, end) on size() disjoint ranges covering [0, n), in parallel.
  void ParallelFor(size_t n, const std::function<void(size_t, size_t)>& fn);

 private:
  void Work(size_t index);

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable start_, done_;
  const std::function<void(size_t, size_t)>* job_ = nullptr;  // guarded by mu_
  size_t job_size_ = 0;                                       // guarded by mu_
  size_t sleepers_ = 0;    // guarded by mu_; workers blocked on start_
  bool stopping_ = false;  // guarded by mu_
  // Bumped (under mu_) per job; workers spin on it before sleeping.
  std::atomic<size_t> generation_{0};
  std::atomic<size_t> pending_{0};  // workers still on the current job
};

}  // namespace bastion::engine
