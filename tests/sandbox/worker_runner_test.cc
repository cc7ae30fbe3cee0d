// Real `bastion worker` processes on the trained tiny Llama: the worker answers as the
// in-process engine does, confines itself before it reads the model (the kernel stops the
// test hook's socket, write and exec), and a worker that crashes or hangs fails its requests
// as aborted and is replaced by a new one that serves.
#include "sandbox/worker_runner.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/shared_models.h"
#include "engine/serving/local_runner.h"

namespace bastion::sandbox {
namespace {

using namespace std::chrono_literals;
constexpr const char* kModel = "stories260K.gguf";

engine::RunnerJob Greedy(std::string text, size_t max_tokens) {
  engine::RunnerJob job;
  job.prompt.kind = engine::PromptSpec::Kind::kText;
  job.prompt.text = std::move(text);
  job.sampling.temperature = 0;
  job.max_tokens = max_tokens;
  return job;
}

// Waits for `generation` to finish; its text and last update.
struct Outcome {
  std::string text;
  engine::Generation::Update last;
  bool accepted = false;
};

class Waiter {
 public:
  std::function<void()> Notify() {
    return [this] {
      std::lock_guard lock(mu_);
      cv_.notify_all();
    };
  }
  Outcome Wait(engine::Generation& g) {
    Outcome out;
    std::unique_lock lock(mu_);
    for (;;) {
      engine::Generation::Update u = g.Take();
      out.text += u.text;
      out.accepted = out.accepted || u.accepted;
      if (u.finish != engine::FinishReason::kNone) {
        out.last = std::move(u);
        return out;
      }
      cv_.wait_for(lock, 50ms);
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
};

class WorkerRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!bastion::testing::HaveSharedModel(kModel)) GTEST_SKIP() << "no ../shared/models";
    path_ = bastion::testing::SharedModelPath(kModel);
  }
  WorkerRunnerOptions Options(Millis hang_timeout = Millis{120'000}) const {
    WorkerRunnerOptions o;
    o.executable = BASTION_BIN;
    o.args = {"--model-path", path_, "--threads", "1", "--log-level", "warn"};
    o.model = "stories";
    o.hang_timeout = hang_timeout;
    return o;
  }
  // Polls until the runner has a worker again whose pid differs from `old_pid`.
  static pid_t AwaitRestart(const WorkerRunner& r, pid_t old_pid) {
    for (int i = 0; i < 100; ++i) {
      if (r.Ready() && r.pid() != old_pid && r.pid() > 0) return r.pid();
      std::this_thread::sleep_for(50ms);
    }
    return -1;
  }
  std::string path_;
};

TEST_F(WorkerRunnerTest, AnswersAsTheInProcessEngineDoes) {
  auto worker = WorkerRunner::Start(Options());
  ASSERT_TRUE(worker.ok()) << worker.status().ToString();
  engine::LocalRunnerOptions local_options;
  local_options.path = path_;
  local_options.threads = 1;
  auto local = engine::LocalRunner::Create(local_options);
  ASSERT_TRUE(local.ok());

  EXPECT_EQ((*worker)->info().name, (*local)->info().name);
  EXPECT_EQ((*worker)->info().vocab_size, (*local)->info().vocab_size);
  EXPECT_EQ((*worker)->info().context, (*local)->info().context);
  EXPECT_EQ((*worker)->TokenText(300), (*local)->TokenText(300));
  EXPECT_EQ((*worker)->TokenText(-1), "");
  EXPECT_NE((*worker)->confinement().find("seccomp"), std::string::npos);
  EXPECT_NE((*worker)->confinement().find("read-only: " + path_), std::string::npos);

  Waiter a, b;
  auto gw = (*worker)->Submit(Greedy("Once upon a time", 30), a.Notify());
  auto gl = (*local)->Submit(Greedy("Once upon a time", 30), b.Notify());
  ASSERT_TRUE(gw.ok() && gl.ok());
  Outcome ow = a.Wait(**gw), ol = b.Wait(**gl);
  EXPECT_TRUE(ow.accepted);
  EXPECT_FALSE(ow.text.empty());
  EXPECT_EQ(ow.text, ol.text);
  EXPECT_EQ(ow.last.finish, ol.last.finish);
  EXPECT_EQ(ow.last.prompt_tokens, ol.last.prompt_tokens);
  EXPECT_EQ(ow.last.completion_tokens, ol.last.completion_tokens);
}

TEST_F(WorkerRunnerTest, RefusalsArriveWithTheEnginesReason) {
  auto worker = WorkerRunner::Start(Options());
  ASSERT_TRUE(worker.ok()) << worker.status().ToString();
  Waiter w;
  auto too_long = (*worker)->Submit(Greedy("Once upon a time", 500), w.Notify());
  ASSERT_TRUE(too_long.ok());
  Outcome o = w.Wait(**too_long);
  EXPECT_EQ(o.last.finish, engine::FinishReason::kRejected);
  EXPECT_EQ(o.last.error_code, StatusCode::kResourceExhausted);
  EXPECT_NE(o.last.error.find("context is 128 tokens"), std::string::npos);

  engine::RunnerJob ids = Greedy("", 5);
  ids.prompt.kind = engine::PromptSpec::Kind::kTokenIds;
  ids.prompt.token_ids = {1, 1 << 30};
  auto bad_id = (*worker)->Submit(std::move(ids), w.Notify());
  ASSERT_TRUE(bad_id.ok());
  o = w.Wait(**bad_id);
  EXPECT_EQ(o.last.finish, engine::FinishReason::kRejected);
  EXPECT_EQ(o.last.error_code, StatusCode::kInvalidArgument);
}

TEST_F(WorkerRunnerTest, CancellationReachesTheWorker) {
  auto worker = WorkerRunner::Start(Options());
  ASSERT_TRUE(worker.ok());
  kill((*worker)->pid(), SIGSTOP);  // so the job is surely still running when cancelled
  Waiter w;
  auto g = (*worker)->Submit(Greedy("Once upon a time", 100), w.Notify());
  ASSERT_TRUE(g.ok());
  (*g)->Cancel();
  kill((*worker)->pid(), SIGCONT);
  Outcome o = w.Wait(**g);
  EXPECT_EQ(o.last.finish, engine::FinishReason::kCancelled);
}

TEST_F(WorkerRunnerTest, ACrashFailsWhatIsInFlightAndAFreshWorkerServes) {
  int restarts = 0;
  WorkerRunnerOptions options = Options();
  options.on_restart = [&] { ++restarts; };
  auto worker = WorkerRunner::Start(std::move(options));
  ASSERT_TRUE(worker.ok());
  const pid_t first = (*worker)->pid();
  kill(first, SIGSTOP);  // hold the request in flight
  Waiter w;
  auto g = (*worker)->Submit(Greedy("Once upon a time", 20), w.Notify());
  ASSERT_TRUE(g.ok());
  kill(first, SIGSEGV);
  kill(first, SIGCONT);
  Outcome o = w.Wait(**g);
  EXPECT_EQ(o.last.finish, engine::FinishReason::kAborted);
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer catches the SIGSEGV, reports it and exits with status 1.
  EXPECT_NE(o.last.error.find("exited with status 1"), std::string::npos) << o.last.error;
#else
  EXPECT_NE(o.last.error.find("killed by signal 11"), std::string::npos) << o.last.error;
#endif

  EXPECT_FALSE((*worker)->Submit(Greedy("x", 1), w.Notify()).ok());  // down until restarted
  const pid_t second = AwaitRestart(**worker, first);
  ASSERT_GT(second, 0) << "no new worker within 5 s";
  EXPECT_EQ((*worker)->restarts(), 1u);
  EXPECT_EQ(restarts, 1);
  auto after = (*worker)->Submit(Greedy("Once upon a time", 10), w.Notify());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(w.Wait(**after).last.finish, engine::FinishReason::kLength);
}

TEST_F(WorkerRunnerTest, AHungWorkerIsKilledAfterTheTimeout) {
  auto worker = WorkerRunner::Start(Options(Millis{600}));
  ASSERT_TRUE(worker.ok());
  const pid_t first = (*worker)->pid();
  kill(first, SIGSTOP);
  Waiter w;
  const auto sent = std::chrono::steady_clock::now();
  auto g = (*worker)->Submit(Greedy("Once upon a time", 20), w.Notify());
  ASSERT_TRUE(g.ok());
  Outcome o = w.Wait(**g);
  EXPECT_GE(std::chrono::steady_clock::now() - sent, 600ms);
  EXPECT_EQ(o.last.finish, engine::FinishReason::kAborted);
  EXPECT_NE(o.last.error.find("made no progress"), std::string::npos) << o.last.error;
  EXPECT_GT(AwaitRestart(**worker, first), 0);
}

TEST_F(WorkerRunnerTest, AnIdleWorkerIsNotAHungOne) {
  auto worker = WorkerRunner::Start(Options(Millis{300}));
  ASSERT_TRUE(worker.ok());
  const pid_t first = (*worker)->pid();
  kill(first, SIGSTOP);  // stopped, but nothing is in flight: nothing to recover
  std::this_thread::sleep_for(700ms);
  kill(first, SIGCONT);
  EXPECT_EQ((*worker)->pid(), first);
  EXPECT_EQ((*worker)->restarts(), 0u);
}

TEST_F(WorkerRunnerTest, AModelThatDoesNotLoadIsReportedAtStart) {
  WorkerRunnerOptions options = Options();
  options.args[1] = "/nonexistent/model.gguf";
  auto worker = WorkerRunner::Start(std::move(options));
  ASSERT_FALSE(worker.ok());
  EXPECT_NE(worker.status().message().find("/nonexistent/model.gguf"), std::string::npos)
      << worker.status().ToString();
}

// Runs `bastion worker --test-escape ACTION` and returns its exit status and stderr.
std::pair<int, std::string> TryEscape(const std::string& model, const std::string& action) {
  int err[2];
  EXPECT_EQ(pipe(err), 0);
  int channel[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, channel), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(err[1], 2);
    dup2(channel[1], 3);
    execl(BASTION_BIN, BASTION_BIN, "worker", "--fd", "3", "--model-path", model.c_str(),
          "--test-escape", action.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err[1]);
  close(channel[1]);
  std::string text;
  char buf[512];
  for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;) text.append(buf, n);
  close(err[0]);
  close(channel[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text};
}

TEST_F(WorkerRunnerTest, TheKernelStopsAConfinedWorkerFromEscaping) {
  auto [socket_rc, socket_err] = TryEscape(path_, "socket");
  EXPECT_EQ(socket_rc, 0) << socket_err;
  EXPECT_NE(socket_err.find("blocked: socket(AF_INET, SOCK_STREAM) failed: Operation not "
                            "permitted"),
            std::string::npos)
      << socket_err;

  auto [exec_rc, exec_err] = TryEscape(path_, "exec");
  EXPECT_EQ(exec_rc, 0) << exec_err;
  EXPECT_NE(exec_err.find("blocked: execve(/bin/sh) failed: Operation not permitted"),
            std::string::npos)
      << exec_err;

  auto [write_rc, write_err] = TryEscape(path_, "write");
  EXPECT_EQ(write_rc, 0) << write_err;
  EXPECT_NE(write_err.find("failed: Permission denied"), std::string::npos) << write_err;
}

}  // namespace
}  // namespace bastion::sandbox
