#include "http/sse.h"

namespace bastion::http {

bool SseParser::Feed(std::string_view bytes) {
  while (!bytes.empty()) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (bytes.front() == '\n') {
        bytes.remove_prefix(1);
        continue;
      }
    }
    size_t end = bytes.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      line_.append(bytes);
      break;
    }
    line_.append(bytes.substr(0, end));
    skip_lf_ = bytes[end] == '\r';
    bytes.remove_prefix(end + 1);
    Line(line_);
    line_.clear();
    if (pending_bytes() > max_event_bytes_) return false;
  }
  return pending_bytes() <= max_event_bytes_;
}

void SseParser::Line(std::string_view line) {
  if (line.empty()) {
    if (has_fields_) ready_.push_back(std::move(current_));
    current_ = SseEvent();
    has_fields_ = has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // comment
  size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) current_.data += '\n';
    current_.data.append(value);
    has_fields_ = has_data_ = true;
  } else if (field == "event") {
    current_.event = std::string(value);
    has_fields_ = true;
  }
}

bool SseParser::Next(SseEvent& out) {
  if (ready_.empty()) return false;
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

void AppendSseData(std::string& out, std::string_view data) {
  size_t start = 0;
  while (true) {
    size_t nl = data.find('\n', start);
    out += "data: ";
    out.append(data.substr(start, nl == std::string_view::npos ? nl : nl - start));
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out += '\n';
}

}  // namespace bastion::http
