// What auditing costs a request: the work on the request's thread (prompt and answer texts,
// keyed digests, the event's JSON), the writer's work per event, and how long a response waits
// for its event to be durable, at a steady 5,000 requests/s on SQLite. Prints the disk's fsync
// latency beside it: group commit cannot be faster than one fsync per batch.
//
//   bastion_audit_bench [--rate N] [--seconds S] [--commit-delay-ms D] [--dir DIR]

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "audit/event.h"
#include "audit/signer.h"
#include "audit/store.h"
#include "gateway/filters/audit/audit_text.h"

namespace {

using namespace bastion;
using Clock = std::chrono::steady_clock;

double ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

double ProcessCpuMicros() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec +
         ru.ru_stime.tv_usec;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

// A chat request of about 1 KB and an answer streamed as 24 events.
struct Sample {
  std::string body;
  std::vector<std::string> events;
};

Sample MakeSample() {
  Sample s;
  std::string user(900, 'x');
  for (size_t i = 0; i < user.size(); i += 7) user[i] = ' ';
  s.body = R"({"model":"m","stream":true,"messages":[{"role":"system","content":"Be brief."},)"
           R"({"role":"user","content":")" +
           user + R"("}]})";
  for (int i = 0; i < 24; ++i) {
    s.events.push_back(R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,)"
                       R"("delta":{"content":" word)" +
                       std::to_string(i) + R"("},"finish_reason":null}]})");
  }
  return s;
}

// What the audit filter does per request on the request's thread, up to Submit.
audit::PendingRecord BuildRecord(const Sample& s, const audit::DigestKey& digests, int n) {
  std::string answer, finish;
  for (const std::string& e : s.events) gateway::AppendAnswerText(e, answer, finish);
  audit::Event e;
  e.time_ms = 1'764'800'000'000 + n;
  e.request_id = "req-" + std::to_string(n);
  e.subject = "key:0123456789abcdef";
  e.role = "user";
  e.client = digests.Digest("client:127.0.0.1");
  e.method = "POST";
  e.route = "/v1/chat/completions";
  e.model = "m";
  e.backend = "127.0.0.1:8000";
  e.status = 200;
  e.finish_reason = finish;
  e.outcome = "completed";
  e.stream = true;
  e.prompt_tokens = 250;
  e.completion_tokens = 24;
  e.ttft_ms = 12.5;
  e.latency_ms = 80.25;
  e.prompt_digest = digests.Digest(gateway::PromptText(gateway::InferenceKind::kChat, s.body));
  e.completion_digest = digests.Digest(answer);
  return audit::ToRecord(std::move(e), "");
}

// The disk's floor for one commit: a 4 KB write and fdatasync, as wall time (median) and as
// the CPU it costs this thread (on a VM, most of a commit's CPU is spent here, in the kernel).
struct FsyncCost {
  double wall_us = 0, cpu_us = 0;
};

FsyncCost MeasureFsync(const std::string& dir) {
  std::string path = dir + "/fsync-probe";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<double> t;
  char block[4096] = {};
  double cpu_start = ThreadCpuMicros();
  for (int i = 0; i < 50 && fd >= 0; ++i) {
    auto start = Clock::now();
    if (::pwrite(fd, block, sizeof block, 0) != sizeof block) break;
    ::fdatasync(fd);
    t.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  double cpu = (ThreadCpuMicros() - cpu_start) / std::max<size_t>(1, t.size());
  if (fd >= 0) ::close(fd);
  std::filesystem::remove(path);
  return {Percentile(t, 0.5), cpu};
}

}  // namespace

int main(int argc, char** argv) {
  int rate = 5000;
  double seconds = 5;
  int commit_delay_ms = -1;  // the config's default
  std::string dir = std::filesystem::temp_directory_path() / "bastion-audit-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rate") rate = std::atoi(argv[i + 1]);
    if (flag == "--seconds") seconds = std::atof(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
    if (flag == "--commit-delay-ms") commit_delay_ms = std::atoi(argv[i + 1]);
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Sample sample = MakeSample();
  audit::DigestKey digests(std::string(32, 'k'));

  // 1. The request thread's share, alone.
  double request_us = 0;
  {
    constexpr int kRounds = 20000;
    std::vector<double> per;
    for (int round = 0; round < 5; ++round) {
      double start = ThreadCpuMicros();
      size_t bytes = 0;
      for (int i = 0; i < kRounds; ++i) bytes += BuildRecord(sample, digests, i).event.size();
      per.push_back((ThreadCpuMicros() - start) / kRounds);
      if (bytes == 0) return 1;
    }
    request_us = Percentile(per, 0.5);
    std::printf("request thread: %.2f us per event (median of 5 x 20000; texts, 3 digests, JSON)\n",
                request_us);
  }

  // 2. A steady rate through the real writer and SQLite, every response waiting for its event.
  MetricsRegistry metrics;
  AuditConfig config;
  config.purge_interval = Millis(0);
  if (commit_delay_ms >= 0) config.commit_delay = Millis(commit_delay_ms);
  auto store = audit::OpenSqliteStore(dir + "/audit.db");
  auto signer = audit::Signer::LoadOrCreate(dir + "/audit-signing.key");
  if (!store.ok() || !signer.ok()) {
    std::fprintf(stderr, "cannot open the store in %s\n", dir.c_str());
    return 1;
  }
  int64_t total = static_cast<int64_t>(rate * seconds);
  std::vector<double> waits(static_cast<size_t>(total), -1);
  std::atomic<int64_t> failed{0}, durable{0};
  std::atomic<int64_t> submitter_cpu_ns{0};
  double cpu_start = ProcessCpuMicros();
  auto wall_start = Clock::now();
  {
    audit::AuditLog log(config, std::move(*store), std::move(*signer), digests, "", metrics);
    constexpr int kThreads = 2;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        double start = ThreadCpuMicros();
        for (int64_t i = t; i < total; i += kThreads) {
          auto due = wall_start + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * i / rate));
          std::this_thread::sleep_until(due);
          auto submitted = Clock::now();
          log.Submit(BuildRecord(sample, digests, static_cast<int>(i)), [&, i, submitted](
                                                                            const Status& st) {
            waits[static_cast<size_t>(i)] =
                std::chrono::duration<double, std::micro>(Clock::now() - submitted).count();
            (st.ok() ? durable : failed).fetch_add(1);
          });
        }
        submitter_cpu_ns += static_cast<int64_t>((ThreadCpuMicros() - start) * 1000);
      });
    }
    for (auto& th : threads) th.join();
  }  // the log commits what is queued, then stops
  double wall = std::chrono::duration<double>(Clock::now() - wall_start).count();
  double process_us = ProcessCpuMicros() - cpu_start;
  // What is not the submitters' (building events, Submit, pacing sleeps) is the writer's:
  // chaining, SQLite inserts, commits and checkpoints, and the done callbacks.
  double writer_us = (process_us - static_cast<double>(submitter_cpu_ns.load()) / 1000) /
                     static_cast<double>(total);

  auto reopened = audit::OpenSqliteStore(dir + "/audit.db", true);
  int64_t stored = 0;
  if (reopened.ok()) {
    (void)(*reopened)->Scan({}, [&](const audit::Record& r) {
      stored += r.kind == "request";
      return true;
    });
  }
  std::vector<double> w;
  for (double x : waits) {
    if (x >= 0) w.push_back(x);
  }
  std::printf(
      "commit_delay %lld ms, steady %d events/s for %.1f s: %lld submitted, %lld durable, %lld "
      "failed, "
      "%lld stored (%s)\n",
      static_cast<long long>(config.commit_delay.count()), rate, wall,
      static_cast<long long>(total), static_cast<long long>(durable.load()),
      static_cast<long long>(failed.load()), static_cast<long long>(stored),
      stored == total ? "none lost" : "EVENTS LOST");
  std::printf(
      "writer thread: %.2f us per event (chain hash, SQLite insert, group commit, "
      "checkpoints)\n",
      writer_us);
  std::printf("added CPU per request: %.2f us (request thread + writer; target <= 20 us)\n",
              request_us + writer_us);
  FsyncCost fsync = MeasureFsync(dir);
  std::printf("wait until durable: median %.0f us, p99 %.0f us\n", Percentile(w, 0.5),
              Percentile(w, 0.99));
  std::printf("floor: one 4 KB write + fdatasync takes %.0f us (median) and %.1f us of CPU\n",
              fsync.wall_us, fsync.cpu_us);
  std::filesystem::remove_all(dir);
  return stored == total ? 0 : 1;
}
