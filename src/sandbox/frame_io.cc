#include "sandbox/frame_io.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/byte_reader.h"
#include "sandbox/worker_protocol.h"

namespace bastion::sandbox {

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::string("writing to the worker channel: ") + strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Result<bool> FrameReader::ReadExactly(char* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = read(fd_, out + got, n - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::string("reading the worker channel: ") + strerror(errno));
    }
    if (r == 0) {
      if (got == 0) return false;
      return Status::IoError("the worker channel closed in the middle of a message");
    }
    got += static_cast<size_t>(r);
  }
  return true;
}

Result<std::optional<std::string>> FrameReader::Next() {
  char prefix[4];
  auto started = ReadExactly(prefix, sizeof prefix);
  if (!started.ok()) return started.status();
  if (!*started) return std::optional<std::string>();
  const uint32_t length = LoadLittleEndian<uint32_t>(reinterpret_cast<const uint8_t*>(prefix));
  if (length == 0 || length > kMaxFrameBytes) {
    return Status::InvalidArgument("a worker message of " + std::to_string(length) +
                                   " bytes (the limit is " + std::to_string(kMaxFrameBytes) + ")");
  }
  std::string body(length, '\0');
  auto complete = ReadExactly(body.data(), length);
  if (!complete.ok()) return complete.status();
  if (!*complete) return Status::IoError("the worker channel closed in the middle of a message");
  return std::optional<std::string>(std::move(body));
}

}  // namespace bastion::sandbox
