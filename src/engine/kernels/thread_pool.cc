#include "engine/kernels/thread_pool.h"

#include <immintrin.h>

#include <chrono>

namespace bastion::engine {
namespace {

// A token runs a few hundred short loops a few microseconds apart: workers and the caller
// spin this long for the next event before sleeping on a condition variable (waking a
// sleeping thread costs more than the gap).
constexpr auto kSpin = std::chrono::microseconds(50);

// Spins until `ready()` or kSpin has passed; returns ready().
template <typename Ready>
bool SpinFor(const Ready& ready) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (ready()) return true;
      _mm_pause();
    }
    if (std::chrono::steady_clock::now() > deadline) return ready();
  }
}

}  // namespace

ThreadPool::ThreadPool(size_t threads) {
  for (size_t i = 1; i < threads; ++i) workers_.emplace_back([this, i] { Work(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    generation_.fetch_add(1, std::memory_order_release);
  }
  start_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::Work(size_t index) {
  size_t seen = 0;
  for (;;) {
    auto started = [&] { return generation_.load(std::memory_order_acquire) != seen; };
    if (!SpinFor(started)) {
      std::unique_lock lock(mu_);
      ++sleepers_;
      start_.wait(lock, started);
      --sleepers_;
    }
    const std::function<void(size_t, size_t)>* job;
    size_t n;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      seen = generation_.load(std::memory_order_relaxed);
      job = job_;
      n = job_size_;
    }
    const size_t parts = size();
    (*job)(n * index / parts, n * (index + 1) / parts);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard lock(mu_);  // the caller may be about to sleep: no lost wake-up
      done_.notify_one();
    }
  }
}

void ThreadPool::ParallelFor(size_t n, const std::function<void(size_t, size_t)>& fn) {
  if (workers_.empty() || n < 2) {
    fn(0, n);
    return;
  }
  bool wake;
  {
    std::lock_guard lock(mu_);
    job_ = &fn;
    job_size_ = n;
    pending_.store(workers_.size(), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    wake = sleepers_ > 0;
  }
  if (wake) start_.notify_all();
  fn(0, n / size());  // the caller takes the first part
  auto done = [&] { return pending_.load(std::memory_order_acquire) == 0; };
  if (!SpinFor(done)) {
    std::unique_lock lock(mu_);
    done_.wait(lock, done);
  }
}

}  // namespace bastion::engine
