// How well the red-team harness drives a target: a forked fake target answers every request
// after a fixed delay (a model's latency), and the harness runs the built-in suite against it.
// Prints, per concurrency: attempts/s next to the ceiling (concurrency / delay, what a
// perfectly saturated target gives), the mean requests in flight (Little's law over the
// measured latencies), and the harness's own CPU per attempt (getrusage; the target is another
// process). A run with --delay-ms 0 shows the harness's own throughput limit.
//
//   bastion_redteam_bench [--delay-ms 50] [--attempts 2000] [--concurrency 4,16,64]
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/json_writer.h"
#include "http/asio.h"
#include "http/server.h"
#include "redteam/runner.h"
#include "redteam/technique.h"

namespace bastion::redteam {
namespace {

// A typical complying answer, ~500 bytes, so the judge has real text to read.
std::string AnswerBody() {
  std::string text = "Sure, here is how to do it.";
  for (int i = 1; i <= 8; ++i) {
    text += " Step " + std::to_string(i) + ": carry out the next part of the plan with care.";
  }
  JsonWriter w;
  w.BeginObject().Key("choices").BeginArray().BeginObject().Key("message").BeginObject();
  w.Key("role").String("assistant").Key("content").String(text).EndObject();
  w.Key("finish_reason").String("stop").EndObject().EndArray().EndObject();
  return w.Take();
}

// The child: serves until killed. Writes its port to `fd` once listening.
[[noreturn]] void ServeTarget(int fd, int delay_ms) {
  http::ServerOptions options;
  options.listen = {"127.0.0.1", 0};
  options.threads = 1;
  options.max_connections = 4096;
  const std::string body = AnswerBody();
  http::HttpServer server(
      options, [&](http::Request&, http::ResponseWriter& w) -> http::Awaitable<void> {
        if (delay_ms > 0) {
          http::net::steady_timer timer(co_await http::net::this_coro::executor);
          timer.expires_after(std::chrono::milliseconds(delay_ms));
          co_await timer.async_wait(http::net::use_awaitable);
        }
        http::Response response{.body = body};  // a named value: GCC 12 mishandles temporaries
        co_await w.Send(std::move(response));   // in co_await expressions
      });
  if (!server.Listen().ok()) std::_Exit(1);
  const uint16_t port = server.port();
  if (write(fd, &port, sizeof port) != sizeof port) std::_Exit(1);
  close(fd);
  server.Run();
  std::_Exit(0);
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::vector<Probe> Probes(int attempts) {
  std::vector<Probe> all = BuildProbes(BuiltinSuite(), *ParseTechniques("all"), 1);
  std::vector<Probe> out;
  for (int i = 0; i < attempts; ++i) out.push_back(all[i % all.size()]);
  return out;
}

void Measure(const Endpoint& target, const std::vector<Probe>& probes, int concurrency,
             int delay_ms) {
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  auto results = RunAttempts(probes, {.concurrency = concurrency}, target, std::nullopt);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  if (!results.ok()) {
    std::printf("run failed: %s\n", results.status().ToString().c_str());
    return;
  }
  double latency_sum_s = 0;
  int errors = 0;
  for (const AttemptResult& r : *results) {
    latency_sum_s += r.latency_ms / 1000;
    errors += r.verdict.outcome == Outcome::kError;
  }
  const double rate = results->size() / wall;
  const double in_flight = latency_sum_s / wall;  // Little's law
  if (delay_ms > 0) {
    const double ceiling = concurrency * 1000.0 / delay_ms;
    std::printf(
        "concurrency %4d: %8.0f attempts/s of ceiling %8.0f (%5.1f%%), in flight %6.1f of "
        "%d, harness CPU %6.1f us/attempt (%4.1f%% of a core), errors %d\n",
        concurrency, rate, ceiling, 100 * rate / ceiling, in_flight, concurrency,
        1e6 * cpu / results->size(), 100 * cpu / wall, errors);
  } else {
    std::printf(
        "concurrency %4d, no target delay: %8.0f attempts/s, harness CPU %6.1f "
        "us/attempt (%4.1f%% of a core), errors %d\n",
        concurrency, rate, 1e6 * cpu / results->size(), 100 * cpu / wall, errors);
  }
}

}  // namespace
}  // namespace bastion::redteam

int main(int argc, char** argv) {
  int delay_ms = 50, attempts = 2000;
  std::vector<int> levels = {4, 16, 64};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--delay-ms")
      delay_ms = std::atoi(value.c_str());
    else if (flag == "--attempts")
      attempts = std::atoi(value.c_str());
    else if (flag == "--concurrency") {
      levels.clear();
      std::stringstream list(value);
      for (std::string item; std::getline(list, item, ',');)
        levels.push_back(std::atoi(item.c_str()));
    } else {
      std::fprintf(stderr, "usage: %s [--delay-ms N] [--attempts N] [--concurrency A,B,...]\n",
                   argv[0]);
      return 2;
    }
  }
  int fds[2];
  if (pipe(fds) != 0) return 1;
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    bastion::redteam::ServeTarget(fds[1], delay_ms);
  }
  close(fds[1]);
  uint16_t port = 0;
  if (read(fds[0], &port, sizeof port) != sizeof port) return 1;
  bastion::redteam::Endpoint target{
      .url = {.scheme = "http", .host = "127.0.0.1", .port = port, .path = "/"}, .model = "bench"};
  const auto probes = bastion::redteam::Probes(attempts);
  std::printf(
      "bastion redteam harness: %d attempts of the built-in suite, target delay %d ms, "
      "target in its own process on %u cores\n",
      attempts, delay_ms, std::thread::hardware_concurrency());
  for (int c : levels) bastion::redteam::Measure(target, probes, c, delay_ms);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  return 0;
}
