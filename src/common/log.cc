#include "common/log.h"

#include <fmt/chrono.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>

#include "common/json_writer.h"

namespace bastion {
namespace {

// {"time":"2024-05-01T12:00:00.123Z","level":"info","msg":"..."}: the payload is escaped
// as "msg", or, from the event logger, already a list of members.
class JsonLogFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    line_.assign(R"({"time":")");
    AppendTime(msg.time);
    line_.append(R"(","level":")").append(LevelName(msg.level)).append("\",");
    std::string_view payload(msg.payload.data(), msg.payload.size());
    if (std::string_view(msg.logger_name.data(), msg.logger_name.size()) == kJsonEventLogger) {
      line_.append(payload);
    } else {
      line_.append(R"("msg":)");
      AppendJsonString(line_, payload);
    }
    line_.append("}\n");
    dest.append(line_.data(), line_.data() + line_.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLogFormatter>();
  }

 private:
  static std::string_view LevelName(spdlog::level::level_enum level) {
    if (level == spdlog::level::warn) return "warn";  // spdlog says "warning"
    spdlog::string_view_t name = spdlog::level::to_string_view(level);
    return {name.data(), name.size()};
  }

  // UTC with milliseconds; the calendar part is formatted once per second.
  void AppendTime(spdlog::log_clock::time_point t) {
    using namespace std::chrono;
    auto since_epoch = t.time_since_epoch();
    auto secs = duration_cast<seconds>(since_epoch);
    if (secs != cached_second_) {
      std::time_t tt = static_cast<std::time_t>(secs.count());
      std::tm tm{};
      gmtime_r(&tt, &tm);
      cached_calendar_ = fmt::format("{:%Y-%m-%dT%H:%M:%S}", tm);
      cached_second_ = secs;
    }
    auto millis = duration_cast<milliseconds>(since_epoch - secs).count();
    line_.append(cached_calendar_);
    fmt::format_to(std::back_inserter(line_), ".{:03}Z", millis);
  }

  std::string line_;
  std::chrono::seconds cached_second_{-1};
  std::string cached_calendar_;
};

bool json_logs = false;  // set once by InitLogging, before any thread logs
std::shared_ptr<spdlog::logger> event_logger;

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

std::unique_ptr<spdlog::formatter> NewJsonLogFormatter() {
  return std::make_unique<JsonLogFormatter>();
}

bool JsonLogs() { return json_logs; }

void InitLogging(std::string_view level, std::string_view format) {
  auto sink = std::make_shared<BatchedStderrSink>();
  json_logs = format == "json";
  if (json_logs) {
    sink->set_formatter(NewJsonLogFormatter());
  } else {
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc));
  }
  auto logger = std::make_shared<spdlog::logger>("bastion", sink);
  event_logger = std::make_shared<spdlog::logger>(std::string(kJsonEventLogger), sink);
  for (auto* l : {logger.get(), event_logger.get()}) {
    l->set_level(spdlog::level::from_str(std::string(level)));
    l->flush_on(spdlog::level::warn);
  }
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

void LogJsonEvent(spdlog::level::level_enum level, std::string_view msg, std::string_view fields) {
  if (!event_logger || !event_logger->should_log(level)) return;
  std::string payload = R"("msg":)";
  AppendJsonString(payload, msg);
  if (!fields.empty()) payload.append(",").append(fields);
  event_logger->log(level, spdlog::string_view_t(payload.data(), payload.size()));
}

void FlushLogs() { spdlog::default_logger()->flush(); }

}  // namespace bastion
