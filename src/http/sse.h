#pragma once
// Server-sent events (the text/event-stream format OpenAI streams use): an incremental
// parser for upstream streams, which arrive split at arbitrary byte boundaries, and a writer.

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace bastion::http {

struct SseEvent {
  std::string event;  // the "event:" field, usually empty
  std::string data;   // "data:" lines joined with '\n'
};

class SseParser {
 public:
  explicit SseParser(size_t max_event_bytes = 4 << 20) : max_event_bytes_(max_event_bytes) {}

  // Consumes bytes. Returns false (and stops) once one event grows past max_event_bytes.
  bool Feed(std::string_view bytes);
  // Removes and returns the next complete event; false when there is none.
  bool Next(SseEvent& out);
  // Bytes of an event that has started but not ended.
  size_t pending_bytes() const { return line_.size() + current_.data.size(); }

 private:
  void Line(std::string_view line);

  size_t max_event_bytes_;
  std::string line_;
  bool skip_lf_ = false;  // the previous chunk ended in '\r'
  SseEvent current_;
  bool has_fields_ = false;
  bool has_data_ = false;
  std::deque<SseEvent> ready_;
};

// "data: <data>\n\n", one data line per line of `data`.
void AppendSseData(std::string& out, std::string_view data);

}  // namespace bastion::http
