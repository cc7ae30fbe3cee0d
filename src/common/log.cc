#include "common/log.h"

#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace bastion {
namespace {

// Collects formatted lines and writes them to stderr in batches, so a request never waits
// for a write(2) of its access-log line, and threads do not queue on the console. Lines at
// warn and above are written at once; the rest within kFlushInterval.
class BatchedStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~BatchedStderrSink() override { flush_(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (buffer_.size() >= kMaxBuffered) flush_();
  }

  void flush_() override {
    size_t done = 0;
    while (done < buffer_.size()) {
      ssize_t n = ::write(STDERR_FILENO, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stderr is gone: nothing sensible left to do with the lines
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

 private:
  static constexpr size_t kMaxBuffered = 64 << 10;
  std::string buffer_;
};

constexpr auto kFlushInterval = std::chrono::milliseconds(100);

}  // namespace

void InitLogging(std::string_view level) {
  auto logger = std::make_shared<spdlog::logger>("bastion", std::make_shared<BatchedStderrSink>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  // spdlog 1.10's flush_every() counts whole seconds; batches should wait far less. The
  // thread holds the logger, so it can run until the process exits.
  std::thread([logger] {
    for (;;) {
      std::this_thread::sleep_for(kFlushInterval);
      logger->flush();
    }
  }).detach();
}

void FlushLogs() { spdlog::default_logger()->flush(); }

}  // namespace bastion
