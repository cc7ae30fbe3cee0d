#pragma once
// What a handler sees of an HTTP exchange: a parsed request and a writer for the response.
// Both live for one request, on the connection's thread.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/awaitable.h"

namespace bastion::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent
  HeaderList headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  bool tls = false;
  size_t worker = 0;  // index of the worker thread that owns the connection

  // The first value of header `name` (lower case), or empty.
  std::string_view Header(std::string_view name) const;
  // The target without its query string.
  std::string_view Path() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  HeaderList headers;
  std::string body;
};

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
