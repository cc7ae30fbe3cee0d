#include "auth/failure_backoff.h"

#include <algorithm>

namespace bastion::auth {
namespace {

constexpr int64_t kWindowMs = 60'000;
constexpr int64_t kMaxWaitMs = 60'000;

}  // namespace

FailureBackoff::FailureBackoff(int threshold, size_t max_addresses)
    : threshold_(threshold), max_addresses_(max_addresses) {}

int64_t FailureBackoff::RetryAfterMs(std::string_view address, int64_t now_ms) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(std::string(address));
  if (it == entries_.end()) return 0;
  return std::max<int64_t>(0, it->second.blocked_until - now_ms);
}

void FailureBackoff::RecordFailure(std::string_view address, int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= max_addresses_) EvictLocked(now_ms);
  Entry& e = entries_[std::string(address)];
  if (now_ms - e.window_start >= kWindowMs && now_ms >= e.blocked_until) {
    e.window_start = now_ms;
    e.failures = 0;
  }
  ++e.failures;
  int64_t over = e.failures - threshold_;
  if (over >= 0) {
    int64_t wait = over >= 6 ? kMaxWaitMs : std::min<int64_t>(kMaxWaitMs, 1000LL << over);
    e.blocked_until = now_ms + wait;
  }
}

void FailureBackoff::EvictLocked(int64_t now_ms) {
  std::erase_if(entries_, [now_ms](const auto& kv) {
    return now_ms - kv.second.window_start >= kWindowMs && now_ms >= kv.second.blocked_until;
  });
  if (entries_.size() >= max_addresses_) entries_.clear();
}

}  // namespace bastion::auth
