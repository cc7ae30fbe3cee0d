#include "model/hub/pull_progress.h"

#include <algorithm>

namespace bastion::model {

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  if (unit == 0)
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

PullProgress::PullProgress(FILE* out, bool tty, uint64_t total_bytes, size_t total_files)
    : out_(out), tty_(tty), total_bytes_(total_bytes), total_files_(total_files) {}

void PullProgress::AddBytes(uint64_t bytes) {
  std::lock_guard lock(mu_);
  bytes_ += bytes;
  DrawLocked(false);
}

void PullProgress::FileDone(std::string_view path, uint64_t size, std::string_view what) {
  std::lock_guard lock(mu_);
  ++files_done_;
  if (tty_ && what.substr(0, 6) != "FAILED") {
    DrawLocked(true);
    return;
  }
  ClearBarLocked();
  std::fprintf(out_, "pull: [%zu/%zu] %.*s %.*s (%s)\n", files_done_, total_files_,
               static_cast<int>(what.size()), what.data(), static_cast<int>(path.size()),
               path.data(), HumanBytes(size).c_str());
  DrawLocked(true);
}

void PullProgress::Note(std::string_view line) {
  std::lock_guard lock(mu_);
  ClearBarLocked();
  std::fprintf(out_, "%.*s\n", static_cast<int>(line.size()), line.data());
  DrawLocked(true);
}

void PullProgress::Finish() {
  std::lock_guard lock(mu_);
  if (bar_shown_) std::fputc('\n', out_);
  bar_shown_ = false;
  std::fflush(out_);
}

void PullProgress::ClearBarLocked() {
  if (bar_shown_) std::fputs("\r\033[K", out_);
  bar_shown_ = false;
}

void PullProgress::DrawLocked(bool force) {
  if (!tty_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  constexpr int kWidth = 30;
  double fraction = total_bytes_ == 0 ? 1.0 : static_cast<double>(bytes_) / total_bytes_;
  fraction = std::clamp(fraction, 0.0, 1.0);
  int filled = static_cast<int>(fraction * kWidth);
  std::string bar(filled, '=');
  bar.resize(kWidth, ' ');
  std::fprintf(out_, "\r\033[K[%s] %3d%% %s / %s, %zu/%zu files", bar.c_str(),
               static_cast<int>(fraction * 100), HumanBytes(bytes_).c_str(),
               HumanBytes(total_bytes_).c_str(), files_done_, total_files_);
  std::fflush(out_);
  bar_shown_ = true;
}

}  // namespace bastion::model
