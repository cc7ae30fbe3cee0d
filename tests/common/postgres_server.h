#pragma once
// A throwaway PostgreSQL server for tests: `initdb` into a fresh directory, then `postgres` on
// a free loopback port (and a Unix socket in that directory), fsync off, trust
// authentication for the superuser "bastion". The destructor stops it and removes the
// directory.
//
// PostgreSQL refuses to run as root, so under root (containers, CI) initdb and postgres run
// as the `postgres` system user, which then owns the directory. The server dies with the
// thread that started it (PR_SET_PDEATHSIG), so a crashed test leaves no postgres behind.
// Not thread-safe: one thread starts and stops it.

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <postgresql/libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace bastion::testing {

class PostgresServer {
 public:
  // The folder holding initdb and postgres: $BASTION_PG_BINDIR, `pg_config --bindir`, or the
  // newest /usr/lib/postgresql/*/bin; empty if there is none.
  static std::string FindBinDir() {
    const char* env = std::getenv("BASTION_PG_BINDIR");
    if (env != nullptr && *env != 0) return HasServer(env) ? env : "";
    if (FILE* p = ::popen("pg_config --bindir 2>/dev/null", "r")) {
      char line[512] = {};
      std::string dir = std::fgets(line, sizeof line, p) ? line : "";
      ::pclose(p);
      while (!dir.empty() && (dir.back() == '\n' || dir.back() == ' ')) dir.pop_back();
      if (HasServer(dir)) return dir;
    }
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      std::string dir = (entry.path() / "bin").string();
      if (HasServer(dir)) found.push_back(dir);
    }
    // Versions as folder names: compare numerically, so 15 beats 9.6.
    std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
      return std::atof(a.c_str() + 20) < std::atof(b.c_str() + 20);
    });
    return found.empty() ? "" : found.back();
  }

  PostgresServer() : bin_dir_(FindBinDir()) {
    static std::atomic<int> serial{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("bastion-pg-" + std::to_string(::getpid()) + "-" + std::to_string(serial++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    port_ = FreeLoopbackPort();
  }
  ~PostgresServer() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Runs initdb (the first time) and starts postgres, waiting (up to 30 s) until it accepts
  // connections. NotFound when PostgreSQL is not installed.
  Status Start() {
    if (bin_dir_.empty()) {
      return Status::NotFound(
          "PostgreSQL is not installed (no initdb/postgres; apt install "
          "postgresql, or set BASTION_PG_BINDIR)");
    }
    if (Status st = ChangeOwner(); !st.ok()) return st;
    if (!std::filesystem::exists(dir_ / "data" / "PG_VERSION")) {
      pid_t initdb = Spawn({bin_dir_ + "/initdb", "-D", data(), "-U", "bastion", "--auth=trust",
                            "--no-sync", "-E", "UTF8", "--locale=C"},
                           "initdb.log", /*die_with_parent=*/true);
      int status = 0;
      if (initdb <= 0 || ::waitpid(initdb, &status, 0) != initdb || status != 0) {
        return Status::IoError("initdb failed: " + Log("initdb.log"));
      }
    }
    pid_ = Spawn({bin_dir_ + "/postgres", "-D", data(), "-k", dir_.string(), "-p",
                  std::to_string(port_), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"},
                 "postgres.log", /*die_with_parent=*/true);
    if (pid_ <= 0) return Status::IoError("cannot fork to run postgres");
    return WaitForConnections();
  }

  // Immediate shutdown, as a crash would look to clients.
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGQUIT);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

  uint16_t port() const { return port_; }
  // postgresql://bastion:PASSWORD@127.0.0.1:PORT/postgres; trust authentication ignores the
  // password, so tests can check it never shows.
  std::string url(const std::string& password = "") const {
    return "postgresql://bastion" + (password.empty() ? "" : ":" + password) +
           "@127.0.0.1:" + std::to_string(port_) + "/postgres";
  }

 private:
  static bool HasServer(const std::string& dir) {
    return !dir.empty() && ::access((dir + "/initdb").c_str(), X_OK) == 0 &&
           ::access((dir + "/postgres").c_str(), X_OK) == 0;
  }

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

  std::string data() const { return (dir_ / "data").string(); }

  std::string Log(const char* name) const {
    std::ifstream in(dir_ / name);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  // Under root, hands the directory to the `postgres` user the server will run as.
  Status ChangeOwner() {
    if (::geteuid() != 0) return Status::Ok();
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      return Status::NotFound(
          "running as root and there is no `postgres` user to run "
          "PostgreSQL as");
    }
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_)) {
      if (::lchown(entry.path().c_str(), uid_, gid_) != 0) return Status::IoError("chown failed");
    }
    if (::chown(dir_.c_str(), uid_, gid_) != 0) return Status::IoError("chown failed");
    return Status::Ok();
  }

  // fork + exec with output to `log`; as `postgres` when running as root.
  pid_t Spawn(std::vector<std::string> args, const char* log, bool die_with_parent) {
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::string log_path = (dir_ / log).string();
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    // Child: only async-signal-safe calls until exec.
    if (uid_ != 0 && (::setgroups(0, nullptr) != 0 || ::setgid(gid_) != 0 || ::setuid(uid_) != 0)) {
      ::_exit(126);
    }
    // After setuid, which clears the parent-death signal. SIGQUIT: an immediate shutdown
    // that takes postgres's own children along.
    if (die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (::getppid() != parent) ::_exit(125);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }

  Status WaitForConnections() {
    const std::string conninfo =
        "host=127.0.0.1 port=" + std::to_string(port_) + " user=bastion dbname=postgres";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (PQping(conninfo.c_str()) == PQPING_OK) return Status::Ok();
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = 0;
        return Status::IoError("postgres exited: " + Log("postgres.log"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    Stop();
    return Status::Unavailable("postgres did not accept connections within 30 s: " +
                               Log("postgres.log"));
  }

  std::string bin_dir_;
  std::filesystem::path dir_;
  uint16_t port_ = 0;
  pid_t pid_ = 0;
  uid_t uid_ = 0;  // 0: run as ourselves
  gid_t gid_ = 0;
};

}  // namespace bastion::testing
