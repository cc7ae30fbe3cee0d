#pragma once
// Internal to the server: what every connection of one server shares.

#include <atomic>
#include <unordered_set>
#include <vector>

#include "http/server.h"

namespace bastion::http {

class IdleConnection {
 public:
  virtual ~IdleConnection() = default;
  virtual void CloseIdle() = 0;
};

struct ServerState {
  ServerOptions options;
  Handler handler;
  std::atomic<bool> draining{false};
  std::atomic<int> connections{0};
  // Per worker: connections waiting for their next request. Touched only on that worker.
  std::vector<std::unordered_set<IdleConnection*>> idle;
};

}  // namespace bastion::http
