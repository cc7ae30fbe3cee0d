// bench/auth/limiter_bench: what rate limiting adds to a request, Admit + Settle.
//   MemoryLimiter: 1 and 2 threads over 10,000 subjects (throughput, then p50/p99).
//   RedisLimiter: p50/p99 over loopback, against $BASTION_REDIS_URL or, when unset, a
//   redis-server started for the run (skipped when none is installed).
//
//   build/bench/bastion_limiter_bench [--benchmark_filter=Memory]

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "auth/limits/memory_limiter.h"
#include "auth/limits/redis_limiter.h"
#include "auth/limits/redis_server.h"

namespace {

using namespace bastion::auth;

constexpr int kSubjects = 10'000;
// Every limit set and never reached, so that every check runs and every request passes.
constexpr Limits kRoomyLimits{.requests_per_minute = 1'000'000'000,
                              .tokens_per_minute = 1'000'000'000'000,
                              .daily_tokens = 1'000'000'000'000'000,
                              .concurrent = 1'000'000};

const std::vector<std::string>& Subjects() {
  static const std::vector<std::string> subjects = [] {
    std::vector<std::string> out;
    for (int i = 0; i < kSubjects; ++i) out.push_back("key:k" + std::to_string(i * 7919));
    return out;
  }();
  return subjects;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void AdmitAndSettle(Limiter& limiter, const std::string& subject, int64_t now_ms) {
  LimitDecision d = limiter.Admit(subject, kRoomyLimits, 1'000, now_ms);
  benchmark::DoNotOptimize(d);
  limiter.Settle(subject, kRoomyLimits, 1'000, 700, now_ms, now_ms);
}

// Times each request and reports the median and 99th percentile in microseconds.
void RecordLatencies(benchmark::State& state, Limiter& limiter) {
  std::vector<double> micros;
  const int64_t now_ms = NowMs();
  size_t i = static_cast<size_t>(state.thread_index()) * 4'999;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    const auto start = std::chrono::steady_clock::now();
    AdmitAndSettle(limiter, Subjects()[i++ % kSubjects], now_ms);
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] =
      benchmark::Counter(micros[micros.size() / 2], benchmark::Counter::kAvgThreads);
  state.counters["p99_us"] =
      benchmark::Counter(micros[micros.size() * 99 / 100], benchmark::Counter::kAvgThreads);
}

MemoryLimiter& SharedMemoryLimiter() {
  static MemoryLimiter limiter;
  return limiter;
}

void BM_MemoryAdmitSettle(benchmark::State& state) {
  MemoryLimiter& limiter = SharedMemoryLimiter();
  const int64_t now_ms = NowMs();
  size_t i = static_cast<size_t>(state.thread_index()) * 4'999;
  // NOLINTNEXTLINE(clang-analyzer-deadcode.DeadStores)
  for (auto _ : state) AdmitAndSettle(limiter, Subjects()[i++ % kSubjects], now_ms);
}
BENCHMARK(BM_MemoryAdmitSettle)->Threads(1)->Threads(2)->UseRealTime();

void BM_MemoryAdmitSettleLatency(benchmark::State& state) {
  RecordLatencies(state, SharedMemoryLimiter());
}
BENCHMARK(BM_MemoryAdmitSettleLatency)->Threads(1)->Threads(2)->UseRealTime();

// The Redis to measure against, started on first use unless $BASTION_REDIS_URL names one.
Limiter* SharedRedisLimiter() {
  static std::unique_ptr<bastion::testing::RedisServer> server;
  static std::unique_ptr<RedisLimiter> limiter = []() -> std::unique_ptr<RedisLimiter> {
    std::string url;
    if (const char* env = std::getenv("BASTION_REDIS_URL"); env != nullptr && *env != 0) {
      url = env;
    } else if (!bastion::testing::RedisServer::FindBinary().empty()) {
      server = std::make_unique<bastion::testing::RedisServer>();
      if (!server->Start().ok()) return nullptr;
      url = server->url();
    }
    auto connected = RedisLimiter::Connect(url);
    return connected.ok() ? std::move(*connected) : nullptr;
  }();
  return limiter.get();
}

void BM_RedisAdmitSettleLatency(benchmark::State& state) {
  Limiter* limiter = SharedRedisLimiter();
  if (limiter == nullptr) {
    state.SkipWithError("no Redis: set BASTION_REDIS_URL or install redis-server");
    return;
  }
  RecordLatencies(state, *limiter);
}
BENCHMARK(BM_RedisAdmitSettleLatency)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // Started here, on the main thread: the redis-server dies with the thread that started it,
  // and benchmark threads come and go.
  SharedRedisLimiter();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
