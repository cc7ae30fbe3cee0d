#include "audit/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/hex.h"

namespace bastion::audit {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Named(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path;
}

}  // namespace

Result<std::string> ReadKeyFile(const std::string& path, std::string_view what, bool secret) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return Status::NotFound("no " + std::string(what) + " at " + path);
    return Status::IoError(Named(what, path) + ": " + std::strerror(errno));
  }
  if (secret && (info.st_mode & 077) != 0) {
    return Status::PermissionDenied(Named(what, path) +
                                    ": readable by group or others; run chmod 600 " + path);
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::IoError("cannot read " + Named(what, path));
  std::string hex = text.str();
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  std::string key;
  bool valid = hex.size() == 64;
  for (size_t i = 0; valid && i < hex.size(); i += 2) {
    int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
    valid = hi >= 0 && lo >= 0;
    key.push_back(static_cast<char>(hi * 16 + lo));
  }
  if (!valid) return Status::InvalidArgument(Named(what, path) + ": expected 64 hex digits");
  return key;
}

Status WriteKeyFile(const std::string& path, std::string_view key, std::string_view what) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IoError("cannot create " + dir.string() + ": " + ec.message());
    ::chmod(dir.c_str(), 0700);
  }
  // Written beside the target, synced, then linked into place: link fails if a key exists.
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::IoError("cannot create " + Named(what, tmp) + ": " + std::strerror(errno));
  }
  std::string text = HexEncode(key) + "\n";
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                 ::fsync(fd) == 0;
  int error = errno;
  ::close(fd);
  std::fill(text.begin(), text.end(), '\0');
  if (written && ::link(tmp.c_str(), path.c_str()) != 0) {
    written = false;
    error = errno;
  }
  ::unlink(tmp.c_str());
  if (!written && error == EEXIST) return Status::AlreadyExists(path + " exists");
  if (!written) {
    return Status::IoError("cannot write " + Named(what, path) + ": " + std::strerror(error));
  }
  if (int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

Result<std::string> ReadOrCreateKeyFile(const std::string& path, std::string (*fresh)(),
                                        std::string_view what) {
  auto key = ReadKeyFile(path, what, true);
  if (key.ok() || key.status().code() != StatusCode::kNotFound) return key;
  Status written = WriteKeyFile(path, fresh(), what);
  if (!written.ok() && written.code() != StatusCode::kAlreadyExists) return written;
  return ReadKeyFile(path, what, true);
}

}  // namespace bastion::audit
