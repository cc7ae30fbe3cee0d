#pragma once
// A throwaway redis-server for tests and benchmarks: a free loopback port plus a Unix socket
// in a fresh directory, no persistence. Stop() kills it as a crash would; Start() again
// brings it back on the same port and socket, empty. The destructor stops it.
//
// The server dies with the thread that started it (PR_SET_PDEATHSIG), so a crashed test
// leaves no redis-server behind. Not thread-safe: one thread starts and stops it.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "auth/limits/redis_connection.h"
#include "auth/limits/redis_url.h"
#include "common/status.h"

namespace bastion::testing {

class RedisServer {
 public:
  // The redis-server binary ($BASTION_REDIS_SERVER if set, else /usr/bin or /usr/local/bin);
  // empty if there is none.
  static std::string FindBinary() {
    const char* env = std::getenv("BASTION_REDIS_SERVER");
    if (env != nullptr && *env != 0) return ::access(env, X_OK) == 0 ? env : "";
    for (const char* path : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
      if (::access(path, X_OK) == 0) return path;
    }
    return {};
  }

  // `extra_args`: more redis-server options, e.g. {"--requirepass", "secret"}.
  explicit RedisServer(std::vector<std::string> extra_args = {})
      : binary_(FindBinary()), extra_args_(std::move(extra_args)) {
    static std::atomic<int> serial{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("bastion-redis-" + std::to_string(::getpid()) + "-" + std::to_string(serial++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    port_ = FreeLoopbackPort();
  }
  ~RedisServer() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts redis-server and waits (up to 5 s) until it answers PING.
  Status Start() {
    if (binary_.empty()) return Status::NotFound("redis-server is not installed");
    std::vector<std::string> args = {binary_,  "--port",    std::to_string(port_),
                                     "--bind", "127.0.0.1", "--unixsocket",
                                     socket(), "--dir",     dir_.string(),
                                     "--save", "",          "--appendonly",
                                     "no",     "--logfile", (dir_ / "redis.log").string()};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) {
      pid_ = 0;
      return Status::IoError("cannot fork to run " + binary_);
    }
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int null_fd = ::open("/dev/null", O_RDWR);
      for (int fd = 0; fd <= 2; ++fd) ::dup2(null_fd, fd);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    return WaitForPing();
  }

  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

  uint16_t port() const { return port_; }
  std::string socket() const { return (dir_ / "redis.sock").string(); }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  std::string unix_url() const { return "unix://" + socket(); }

  // A connection for inspecting or flushing the server directly.
  Result<std::unique_ptr<auth::RedisConnection>> Connect() const {
    auth::RedisAddress address;
    address.unix_path = socket();
    return auth::RedisConnection::Open(address, std::chrono::milliseconds(500));
  }

 private:
  // Binds port 0 and releases it: the kernel will not hand that port out again soon.
  static uint16_t FreeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
  }

  Status WaitForPing() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      auto connection = Connect();
      if (connection.ok()) {
        const std::string_view ping[] = {"PING"};
        // Any reply will do: with --requirepass it is an error asking for AUTH.
        if ((*connection)->Command(ping).ok()) return Status::Ok();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    Stop();
    return Status::Unavailable("redis-server did not answer PING within 5 s");
  }

  std::string binary_;
  std::vector<std::string> extra_args_;
  std::filesystem::path dir_;
  uint16_t port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace bastion::testing
