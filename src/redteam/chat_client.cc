#include "redteam/chat_client.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "common/json_writer.h"
#include "http/asio.h"

namespace bastion::redteam {
namespace {

constexpr size_t kMaxResponseBytes = 8 << 20;
constexpr int kMaxRetries = 4;
constexpr int kMaxRetryWaitSeconds = 30;

std::string RequestBody(const Endpoint& e, const std::vector<ChatMessage>& messages,
                        std::optional<uint64_t> seed) {
  JsonWriter w;
  w.BeginObject().Key("model").String(e.model).Key("messages").BeginArray();
  for (const ChatMessage& m : messages) {
    w.BeginObject().Key("role").String(m.role).Key("content").String(m.content).EndObject();
  }
  w.EndArray().Key("max_tokens").Int(e.max_tokens).Key("stream").Bool(false);
  if (seed) w.Key("seed").Uint(*seed);
  if (e.temperature) w.Key("temperature").Double(*e.temperature);
  w.EndObject();
  return w.Take();
}

// Fills content, reasoning, tokens (2xx) or error (otherwise) from the response body.
void ParseBody(std::string_view body, Answer& answer) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(body);
  if (parser.parse(padded).get(root) || !root.is_object()) {
    if (answer.error.empty()) answer.error = "the response is not JSON";
    return;
  }
  std::string_view s;
  simdjson::dom::element error;
  if (!root["error"].get(error) && error.is_object()) {
    if (!error["code"].get_string().get(s) || !error["type"].get_string().get(s)) answer.error = s;
    if (answer.error.empty()) answer.error = "error";
    return;
  }
  simdjson::dom::element message;
  if (root["choices"].at(0)["message"].get(message)) {
    answer.error = "the response has no choices[0].message";
    return;
  }
  if (!message["content"].get_string().get(s)) answer.content = s;
  if (!message["reasoning_content"].get_string().get(s)) answer.reasoning = s;
  if (!root["choices"].at(0)["finish_reason"].get_string().get(s)) answer.finish_reason = s;
  int64_t tokens = 0;
  if (!root["usage"]["completion_tokens"].get_int64().get(tokens)) {
    answer.completion_tokens = static_cast<int>(tokens);
  }
}

int RetryWaitSeconds(const std::string& retry_after, int attempt) {
  int seconds = 1 << attempt;
  int parsed = 0;
  const char* end = retry_after.data() + retry_after.size();
  if (auto [p, ec] = std::from_chars(retry_after.data(), end, parsed);
      ec == std::errc() && p == end) {
    seconds = parsed;
  }
  return std::clamp(seconds, 0, kMaxRetryWaitSeconds);
}

}  // namespace

std::string ChatCompletionsPath(const Url& base) {
  std::string path = base.path == "/" ? "" : base.path;
  if (!path.ends_with("/v1")) path += "/v1";
  return path + "/chat/completions";
}

ChatClient::ChatClient(http::Executor executor, const Endpoint& endpoint)
    : executor_(std::move(executor)),
      endpoint_(endpoint),
      path_(ChatCompletionsPath(endpoint.url)) {}

ChatClient::~ChatClient() = default;

http::Awaitable<Answer> ChatClient::Complete(const std::vector<ChatMessage>& messages,
                                             std::optional<uint64_t> seed) {
  const std::string body = RequestBody(endpoint_, messages, seed);
  const auto start = std::chrono::steady_clock::now();
  Answer answer;
  for (int attempt = 0;; ++attempt) {
    std::string retry_after;
    answer = co_await Once(body, retry_after);
    const bool retryable = answer.http_status == 429 || answer.http_status == 503;
    if (!retryable || attempt == kMaxRetries) break;
    http::net::steady_timer timer(executor_);
    timer.expires_after(std::chrono::seconds(RetryWaitSeconds(retry_after, attempt)));
    co_await timer.async_wait(http::net::use_awaitable);
  }
  answer.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  co_return answer;
}

http::Awaitable<Answer> ChatClient::Once(const std::string& body, std::string& retry_after) {
  http::ClientRequest request{.method = "POST", .target = path_, .host = endpoint_.url.Authority()};
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("User-Agent", "bastion-redteam");
  if (!endpoint_.api_key.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + endpoint_.api_key);
  }
  request.body = body;
  Answer answer;
  std::optional<http::ClientResponseHead> head;
  for (int fresh = 0; !head; ++fresh) {
    const bool pooled = connection_ != nullptr;
    if (!connection_) {
      auto opened = co_await http::ClientConnection::Connect(
          executor_, endpoint_.url.host, endpoint_.url.port, endpoint_.timeout, endpoint_.tls);
      if (!opened.ok()) {
        answer.error = opened.status().message();
        co_return answer;
      }
      connection_ = std::move(*opened);
    }
    // No co_await inside a conditional expression: GCC 12 miscompiles its temporaries.
    Status failure = co_await connection_->Send(request, endpoint_.timeout);
    if (failure.ok()) {
      auto h = co_await connection_->ReadHead(endpoint_.timeout);
      if (h.ok()) {
        head = std::move(*h);
        break;
      }
      failure = h.status();
    }
    connection_.reset();
    // A keep-alive connection the server closed while idle: one fresh try.
    if (!(pooled && fresh == 0 && failure.code() == StatusCode::kIoError)) {
      answer.error = failure.message();
      co_return answer;
    }
  }
  answer.http_status = head->status;
  retry_after = head->retry_after;
  std::string response;
  while (true) {
    auto piece = co_await connection_->ReadBody(endpoint_.timeout);
    if (!piece.ok()) {
      connection_.reset();
      answer.error = piece.status().message();
      co_return answer;
    }
    if (piece->empty()) break;
    if (response.size() + piece->size() > kMaxResponseBytes) {
      connection_.reset();
      answer.error = "the response is larger than 8 MiB";
      co_return answer;
    }
    response.append(*piece);
  }
  if (!connection_->reusable()) connection_.reset();
  if (head->status != 200) answer.error = "HTTP " + std::to_string(head->status);
  ParseBody(response, answer);
  co_return answer;
}

}  // namespace bastion::redteam
