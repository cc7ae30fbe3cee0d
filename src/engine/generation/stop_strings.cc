#include "engine/generation/stop_strings.h"

#include <algorithm>
#include <utility>

namespace bastion::engine {

size_t IncompleteUtf8Tail(std::string_view text) {
  // Walk back over at most 3 continuation bytes to a lead byte and compare the length it
  // announces with what is there.
  size_t n = text.size();
  for (size_t back = 1; back <= std::min<size_t>(4, n); ++back) {
    auto c = static_cast<unsigned char>(text[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;  // only continuation bytes: invalid, nothing to wait for
}

StopStrings::StopStrings(std::vector<std::string> stops) : stops_(std::move(stops)) {
  std::erase_if(stops_, [](const std::string& s) { return s.empty(); });
}

size_t StopStrings::HeldBackLength() const {
  // The longest suffix of pending_ that is a proper prefix of some stop string.
  size_t held = 0;
  for (const auto& stop : stops_) {
    for (size_t len = std::min(stop.size() - 1, pending_.size()); len > held; --len) {
      if (std::string_view(pending_).substr(pending_.size() - len) ==
          std::string_view(stop).substr(0, len)) {
        held = len;
        break;
      }
    }
  }
  return std::max(held, IncompleteUtf8Tail(pending_));
}

std::string StopStrings::Feed(std::string_view bytes) {
  if (stopped_) return {};
  pending_.append(bytes);
  size_t first = std::string::npos;
  for (const auto& stop : stops_) first = std::min(first, pending_.find(stop));
  if (first != std::string::npos) {
    stopped_ = true;
    std::string out = pending_.substr(0, first);
    pending_.clear();
    return out;
  }
  size_t emit = pending_.size() - HeldBackLength();
  std::string out = pending_.substr(0, emit);
  pending_.erase(0, emit);
  return out;
}

std::string StopStrings::Flush() {
  if (stopped_) return {};
  return std::exchange(pending_, {});
}

}  // namespace bastion::engine
