#include "auth/limits/memory_limiter.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/limits/fixed_window.h"

namespace bastion::auth {
namespace {

constexpr size_t kShardBits = 6;  // 64 shards: many more than cores, few enough to sweep

struct SubjectHash {
  using is_transparent = void;  // lookups by string_view, without building a std::string
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// One subject's counters; `minute` and `day` say which windows they count.
struct SubjectWindows {
  int64_t minute = 0;
  int64_t day = 0;
  WindowUsage usage;
  bool daily_limited = false;  // its last Admit had a daily budget

  // Forward only: a thread whose clock reads a little behind another's, across a window's
  // edge, counts into the newer window instead of wiping it.
  void Roll(int64_t now_minute, int64_t now_day) {
    if (now_minute > minute) {
      minute = now_minute;
      usage.minute_requests = 0;
      usage.minute_tokens = 0;
    }
    if (now_day > day) {
      day = now_day;
      usage.day_tokens = 0;
    }
  }

  // Nothing here can affect a later decision.
  bool Forgettable(int64_t now_minute, int64_t now_day) const {
    if (usage.in_flight > 0 || minute >= now_minute) return false;
    return day != now_day || !daily_limited || usage.day_tokens == 0;
  }
};

}  // namespace

// Aligned so that two shards' mutexes never share a cache line.
struct alignas(64) MemoryLimiter::Shard {
  mutable std::mutex mu;
  std::unordered_map<std::string, SubjectWindows, SubjectHash, std::equal_to<>>
      subjects;               // GUARDED_BY(mu)
  int64_t swept_minute = -1;  // GUARDED_BY(mu)

  // REQUIRES: mu held.
  void SweepIfNewMinute(int64_t now_minute, int64_t now_day) {
    if (now_minute <= swept_minute) return;
    swept_minute = now_minute;
    std::erase_if(subjects,
                  [&](const auto& entry) { return entry.second.Forgettable(now_minute, now_day); });
  }

  // REQUIRES: mu held.
  SubjectWindows& FindOrAdd(std::string_view subject) {
    auto it = subjects.find(subject);
    if (it == subjects.end()) it = subjects.emplace(std::string(subject), SubjectWindows{}).first;
    return it->second;
  }
};

MemoryLimiter::MemoryLimiter() : shards_(new Shard[size_t{1} << kShardBits]) {}
MemoryLimiter::~MemoryLimiter() = default;

MemoryLimiter::Shard& MemoryLimiter::ShardFor(std::string_view subject) const {
  // The map's buckets use the hash's low bits; the shard takes the high bits of a mix of it.
  const uint64_t hash = SubjectHash{}(subject);
  const uint64_t mixed = hash * 0x9E3779B97F4A7C15ull;
  return shards_[mixed >> (64 - kShardBits)];
}

LimitDecision MemoryLimiter::Admit(std::string_view subject, const Limits& limits,
                                   int64_t estimated_tokens, int64_t now_ms) {
  const int64_t estimate = ClampTokens(estimated_tokens);
  const int64_t minute = MinuteIndex(now_ms);
  const int64_t day = DayIndex(now_ms);
  Shard& shard = ShardFor(subject);
  std::lock_guard lock(shard.mu);
  shard.SweepIfNewMinute(minute, day);
  SubjectWindows& windows = shard.FindOrAdd(subject);
  windows.Roll(minute, day);
  windows.daily_limited = limits.daily_tokens > 0;
  const std::string_view exceeded = ExceededLimit(limits, windows.usage, estimate);
  if (exceeded.empty()) {
    windows.usage.minute_requests += 1;
    windows.usage.minute_tokens += estimate;
    windows.usage.day_tokens += estimate;
    windows.usage.in_flight += 1;
  }
  return MakeDecision(limits, windows.usage, exceeded, now_ms);
}

void MemoryLimiter::Settle(std::string_view subject, const Limits& /*limits*/, int64_t reserved,
                           int64_t used, int64_t admitted_ms, int64_t now_ms) {
  const int64_t delta = ClampTokens(used) - ClampTokens(reserved);
  const int64_t minute = MinuteIndex(admitted_ms);
  const int64_t day = DayIndex(admitted_ms);
  Shard& shard = ShardFor(subject);
  std::lock_guard lock(shard.mu);
  auto it = shard.subjects.find(subject);
  if (it == shard.subjects.end()) return;  // never admitted: nothing to give back
  SubjectWindows& windows = it->second;
  windows.usage.in_flight = std::max<int64_t>(0, windows.usage.in_flight - 1);
  // A correction for a window that has closed would only distort the next one.
  if (minute == MinuteIndex(now_ms) && windows.minute == minute) {
    windows.usage.minute_tokens = std::max<int64_t>(0, windows.usage.minute_tokens + delta);
  }
  if (day == DayIndex(now_ms) && windows.day == day) {
    windows.usage.day_tokens = std::max<int64_t>(0, windows.usage.day_tokens + delta);
  }
}

size_t MemoryLimiter::TrackedSubjects() const {
  size_t total = 0;
  for (size_t i = 0; i < (size_t{1} << kShardBits); ++i) {
    std::lock_guard lock(shards_[i].mu);
    total += shards_[i].subjects.size();
  }
  return total;
}

}  // namespace bastion::auth
