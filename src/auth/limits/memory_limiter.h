#pragma once
// Limits kept in this process: for a single gateway. Admit + Settle take well under a
// microsecond uncontended: subjects are spread over 64 shards, each a mutex and a hash map
// from subject to its window counters, so threads rarely wait on each other.
//
// Memory: a subject's counters are forgotten once they no longer matter (nothing in flight,
// the minute window over, and the day over or no daily budget asked at its last Admit). Each
// shard sweeps its forgotten subjects on the first Admit of every minute, so memory follows
// the subjects active in the last minute plus those with a daily budget today.
//
// Thread-safe.

#include <cstddef>
#include <memory>

#include "auth/limits/limiter.h"

namespace bastion::auth {

class MemoryLimiter final : public Limiter {
 public:
  MemoryLimiter();
  ~MemoryLimiter() override;
  MemoryLimiter(const MemoryLimiter&) = delete;
  MemoryLimiter& operator=(const MemoryLimiter&) = delete;

  LimitDecision Admit(std::string_view subject, const Limits& limits, int64_t estimated_tokens,
                      int64_t now_ms) override;
  void Settle(std::string_view subject, const Limits& limits, int64_t reserved, int64_t used,
              int64_t admitted_ms, int64_t now_ms) override;

  // Subjects whose counters are held right now (for tests and metrics).
  size_t TrackedSubjects() const;

 private:
  struct Shard;
  Shard& ShardFor(std::string_view subject) const;

  std::unique_ptr<Shard[]> shards_;
};

}  // namespace bastion::auth
