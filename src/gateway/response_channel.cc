#include "gateway/response_channel.h"

#include "gateway/filters/audit/audit_filter.h"
#include "http/sse.h"

namespace bastion::gateway {
namespace {

ApiError AuditUnavailable() {
  return {503,
          "server_error",
          "audit_unavailable",
          "the request could not be recorded in the audit trail, so its answer is withheld; "
          "try again later",
          "",
          1};
}

}  // namespace

void ResponseChannel::MarkFirstByte() {
  if (!ex_.first_byte) ex_.first_byte = Clock::now();
}

http::Awaitable<bool> ResponseChannel::Record() {
  if (audit_ == nullptr) co_return true;
  co_return co_await audit_->Commit(ex_);
}

http::Awaitable<bool> ResponseChannel::SendJson(int status, std::string body, bool filter_output) {
  if (filter_output) chain_.OnResponseData(ex_, body);
  co_return co_await SendText(status, "application/json", std::move(body));
}

http::Awaitable<bool> ResponseChannel::SendText(int status, std::string content_type,
                                                std::string body) {
  ex_.status = status;
  MarkFirstByte();
  if (!co_await Record()) co_return co_await SendError(AuditUnavailable());
  ex_.response_bytes += body.size();
  http::Response r{status, std::move(content_type), ex_.response_headers, std::move(body)};
  bool ok = co_await writer_.Send(std::move(r));
  ex_.client_gone = ex_.client_gone || !ok;
  co_return ok;
}

http::Awaitable<bool> ResponseChannel::SendError(const ApiError& error) {
  ex_.error_code = error.code;
  if (streaming_) co_return co_await SendErrorEvent(error);
  ex_.status = error.status;
  MarkFirstByte();
  if (!co_await Record() && error.code != "audit_unavailable") {
    co_return co_await SendError(AuditUnavailable());
  }
  http::Response r = ApiErrorResponse(error);
  r.headers.insert(r.headers.end(), ex_.response_headers.begin(), ex_.response_headers.end());
  ex_.response_bytes += r.body.size();
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
  bool done = false;
  for (auto& data : events) {
    if (data == "[DONE]") {
      AppendHeldEvents();
      done = true;
      continue;
    }
    chain_.OnResponseData(ex_, data);
    if (data.empty()) continue;  // a filter dropped it (e.g. the guard ended the stream)
    http::AppendSseData(scratch_, data);
  }
  if (done) {
    // The stream's end: the client learns it finished only once the event is durable.
    if (co_await Record()) {
      http::AppendSseData(scratch_, "[DONE]");
    } else {
      ex_.error_code = "audit_unavailable";
      http::AppendSseData(scratch_, ApiErrorJson(AuditUnavailable()));
    }
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
  co_await Record();  // the stream fails either way; a lost event is logged and counted
  http::AppendSseData(scratch_, ApiErrorJson(error));
  co_return co_await Write(scratch_);
}

http::Awaitable<bool> ResponseChannel::EndEvents() {
  // A stream that ended without "[DONE]": its event is durable before the last chunk.
  if (!co_await Record()) {
    ex_.error_code = "audit_unavailable";
    scratch_.clear();
    http::AppendSseData(scratch_, ApiErrorJson(AuditUnavailable()));
    co_await Write(scratch_);
  }
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
