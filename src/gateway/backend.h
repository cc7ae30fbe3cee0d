#pragma once
// A backend turns a validated inference request into a response: UpstreamBackend relays to
// OpenAI-compatible engines; EmbeddedBackend runs the model in this process.

#include "common/json_writer.h"
#include "gateway/exchange.h"
#include "gateway/response_channel.h"
#include "http/awaitable.h"

namespace bastion::gateway {

class Backend {
 public:
  virtual ~Backend() = default;
  // REQUIRES: ex.inference is set. Always answers through `out`, unless the client is gone.
  virtual http::Awaitable<void> Serve(Exchange& ex, ResponseChannel& out) = 0;
  // Can serve now (e.g. at least one healthy upstream).
  virtual bool Ready() const = 0;
  // Members of the model's object in /readyz.
  virtual void WriteStatus(JsonWriter& w) const = 0;
  // Releases what needs the server's io_contexts. REQUIRES: the server's threads stopped.
  virtual void Shutdown() = 0;
};

}  // namespace bastion::gateway
