#pragma once
// How a handler answers: a ResponseWriter for one request, on the connection's thread.

#include <functional>
#include <string_view>

#include "http/awaitable.h"
#include "http/message.h"

namespace bastion::http {

// Writes one response, either whole (Send) or as a chunked stream (BeginStream, WriteChunk...,
// EndStream). Methods return false once the client is gone; the handler should then stop.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  virtual Awaitable<bool> Send(Response response) = 0;
  virtual Awaitable<bool> BeginStream(int status, std::string_view content_type,
                                      const HeaderList& headers) = 0;
  virtual Awaitable<bool> WriteChunk(std::string_view data) = 0;
  virtual Awaitable<bool> EndStream() = 0;

  // Calls `on_gone` (once, on this thread) if the client closes the connection before the
  // response is complete. Lets a handler cancel upstream work nobody will read.
  virtual void WatchForClientClose(std::function<void()> on_gone) = 0;
  virtual bool client_gone() const = 0;
  virtual bool started() const = 0;  // some bytes of the response were sent
};

using Handler = std::function<Awaitable<void>(Request&, ResponseWriter&)>;

}  // namespace bastion::http
