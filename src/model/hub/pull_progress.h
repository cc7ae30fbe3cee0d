#pragma once
// What a pull tells the person watching, on stderr: on a terminal, one bar redrawn in place
// (at most five times a second); otherwise (logs, CI) one line per finished file. Safe to call
// from every download thread.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace bastion::model {

class PullProgress {
 public:
  PullProgress(FILE* out, bool tty, uint64_t total_bytes, size_t total_files);

  void AddBytes(uint64_t bytes);
  // `what`: "ok", "resumed", "present", or "FAILED: <why>".
  void FileDone(std::string_view path, uint64_t size, std::string_view what);
  // A line that interrupts the bar (skipped files, notes).
  void Note(std::string_view line);
  // Ends the bar's line.
  void Finish();

 private:
  void DrawLocked(bool force);  // REQUIRES: mu_ held
  void ClearBarLocked();        // REQUIRES: mu_ held

  FILE* const out_;
  const bool tty_;
  const uint64_t total_bytes_;
  const size_t total_files_;
  std::mutex mu_;
  uint64_t bytes_ = 0;                               // GUARDED_BY(mu_)
  size_t files_done_ = 0;                            // GUARDED_BY(mu_)
  bool bar_shown_ = false;                           // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_draw_;  // GUARDED_BY(mu_)
};

// "1.5 GB", "12.0 MB", "512 B".
std::string HumanBytes(uint64_t bytes);

}  // namespace bastion::model
