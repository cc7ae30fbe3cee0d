#pragma once
// Blocking frame I/O on a connected stream socket (the gateway-worker socketpair).
// One reader and one writer at a time per descriptor; FrameReader is not thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::sandbox {

// Writes all of `bytes`, retrying on EINTR; never raises SIGPIPE. IoError when the peer is gone.
Status WriteAll(int fd, std::string_view bytes);

class FrameReader {
 public:
  explicit FrameReader(int fd) : fd_(fd) {}
  // The next frame's body (type and message), nullopt when the peer closed between frames;
  // an error for a torn frame, a read error, or a frame over kMaxFrameBytes.
  Result<std::optional<std::string>> Next();

 private:
  // Reads exactly `n` bytes into `out`; false on a clean EOF before the first byte.
  Result<bool> ReadExactly(char* out, size_t n);

  int fd_;
};

}  // namespace bastion::sandbox
