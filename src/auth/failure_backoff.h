#pragma once
// Slows down credential guessing: once a client address has failed authentication
// `threshold` times within a minute, it must wait (1 s, doubling per further failure, at
// most 60 s) before its credentials are even looked at.
//
// Thread-safe. Memory is bounded: at most `max_addresses` addresses are tracked; when full,
// stale entries are dropped first, then the table is cleared (erring toward letting through).

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bastion::auth {

class FailureBackoff {
 public:
  explicit FailureBackoff(int threshold, size_t max_addresses = 100'000);
  // Milliseconds the address must still wait; 0 when it may try.
  int64_t RetryAfterMs(std::string_view address, int64_t now_ms) const;
  void RecordFailure(std::string_view address, int64_t now_ms);

 private:
  struct Entry {
    int64_t window_start = 0;
    int64_t failures = 0;
    int64_t blocked_until = 0;
  };
  void EvictLocked(int64_t now_ms);

  const int threshold_;
  const size_t max_addresses_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace bastion::auth
