#pragma once
// How a backend answers: whole JSON responses, or a server-sent-event stream. Runs the
// chain's output filters on every piece and keeps the Exchange's record (status, first byte,
// bytes) up to date. Before the last bytes of a response (a whole body, a stream's "[DONE]",
// error event or end) the exchange's audit event is made durable; when it cannot be, the
// response fails with 503 audit_unavailable instead. One per request, on the connection's
// thread.

#include <string>
#include <string_view>

#include "gateway/exchange.h"
#include "gateway/filter.h"
#include "http/response_writer.h"

namespace bastion::gateway {

class AuditFilter;

class ResponseChannel {
 public:
  // `audit` may be null (audit.enabled = false).
  ResponseChannel(Exchange& ex, const FilterChain& chain, http::ResponseWriter& writer,
                  AuditFilter* audit = nullptr)
      : ex_(ex), chain_(chain), writer_(writer), audit_(audit) {}

  // A whole response; `filter_output` runs OnResponseData on the body first.
  http::Awaitable<bool> SendJson(int status, std::string body, bool filter_output = true);
  http::Awaitable<bool> SendError(const ApiError& error);
  http::Awaitable<bool> SendText(int status, std::string content_type, std::string body);

  http::Awaitable<bool> BeginEvents();
  // Filters each event's data, then writes all of them as one chunk; an event whose data a
  // filter emptied is dropped.
  // "[DONE]" is passed through unfiltered.
  http::Awaitable<bool> SendEvents(std::vector<std::string>& events);
  // An error after the stream began: an SSE error event, as OpenAI sends mid-stream.
  http::Awaitable<bool> SendErrorEvent(const ApiError& error);
  http::Awaitable<bool> EndEvents();

  bool streaming() const { return streaming_; }
  http::ResponseWriter& writer() { return writer_; }

 private:
  http::Awaitable<bool> Write(std::string_view bytes);
  void MarkFirstByte();
  // What filters held back, as events, once per stream: before "[DONE]" or an error event.
  void AppendHeldEvents();
  // Makes the exchange's audit event durable; false when it could not be written.
  http::Awaitable<bool> Record();

  Exchange& ex_;
  const FilterChain& chain_;
  http::ResponseWriter& writer_;
  AuditFilter* audit_;
  bool streaming_ = false;
  bool stream_ended_ = false;
  std::string scratch_;
};

}  // namespace bastion::gateway
