#include "gateway/response_channel.h"

#include "http/sse.h"

namespace bastion::gateway {

void ResponseChannel::MarkFirstByte() {
  if (!ex_.first_byte) ex_.first_byte = Clock::now();
}

http::Awaitable<bool> ResponseChannel::SendJson(int status, std::string body, bool filter_output) {
  if (filter_output) chain_.OnResponseData(ex_, body);
  co_return co_await SendText(status, "application/json", std::move(body));
}

http::Awaitable<bool> ResponseChannel::SendText(int status, std::string content_type,
                                                std::string body) {
  ex_.status = status;
  ex_.response_bytes += body.size();
  MarkFirstByte();
  http::Response r{status, std::move(content_type), ex_.response_headers, std::move(body)};
  bool ok = co_await writer_.Send(std::move(r));
  ex_.client_gone = ex_.client_gone || !ok;
  co_return ok;
}

http::Awaitable<bool> ResponseChannel::SendError(const ApiError& error) {
  ex_.error_code = error.code;
  if (streaming_) co_return co_await SendErrorEvent(error);
  http::Response r = ApiErrorResponse(error);
  r.headers.insert(r.headers.end(), ex_.response_headers.begin(), ex_.response_headers.end());
  ex_.status = error.status;
  ex_.response_bytes += r.body.size();
  MarkFirstByte();
  bool ok = co_await writer_.Send(std::move(r));
  ex_.client_gone = ex_.client_gone || !ok;
  co_return ok;
}

http::Awaitable<bool> ResponseChannel::BeginEvents() {
  streaming_ = true;
  ex_.status = 200;
  http::HeaderList headers = ex_.response_headers;
  headers.emplace_back("Cache-Control", "no-cache");
  headers.emplace_back("X-Accel-Buffering", "no");
  bool ok = co_await writer_.BeginStream(200, "text/event-stream", headers);
  ex_.client_gone = ex_.client_gone || !ok;
  co_return ok;
}

http::Awaitable<bool> ResponseChannel::SendEvents(std::vector<std::string>& events) {
  scratch_.clear();
  for (auto& data : events) {
    if (data == "[DONE]") AppendHeldEvents();
    if (data != "[DONE]") chain_.OnResponseData(ex_, data);
    if (data.empty()) continue;  // a filter dropped it (e.g. the guard ended the stream)
    http::AppendSseData(scratch_, data);
  }
  co_return co_await Write(scratch_);
}

void ResponseChannel::AppendHeldEvents() {
  if (stream_ended_) return;
  stream_ended_ = true;
  std::vector<std::string> held;
  chain_.OnStreamEnd(ex_, held);
  for (const auto& data : held) http::AppendSseData(scratch_, data);
}

http::Awaitable<bool> ResponseChannel::SendErrorEvent(const ApiError& error) {
  ex_.error_code = error.code;
  scratch_.clear();
  AppendHeldEvents();
  http::AppendSseData(scratch_, ApiErrorJson(error));
  co_return co_await Write(scratch_);
}

http::Awaitable<bool> ResponseChannel::EndEvents() {
  bool ok = co_await writer_.EndStream();
  ex_.client_gone = ex_.client_gone || !ok;
  co_return ok;
}

http::Awaitable<bool> ResponseChannel::Write(std::string_view bytes) {
  if (bytes.empty()) co_return true;
  MarkFirstByte();
  ex_.response_bytes += bytes.size();
  bool ok = co_await writer_.WriteChunk(bytes);
  ex_.client_gone = ex_.client_gone || !ok;
  co_return ok;
}

}  // namespace bastion::gateway
