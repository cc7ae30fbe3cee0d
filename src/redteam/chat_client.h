#pragma once
// An OpenAI-compatible chat endpoint, as the harness sees it: POST {base}/v1/chat/completions
// (or {base}/chat/completions when the base URL already ends in /v1), non-streaming, over one
// keep-alive connection that is reopened when the server closes it. One coroutine at a time.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/duration.h"
#include "common/url.h"
#include "http/awaitable.h"
#include "http/client.h"
#include "redteam/answer.h"
#include "redteam/probe.h"

namespace bastion::redteam {

struct Endpoint {
  Url url;  // base URL: http(s)://host:port[/prefix][/v1]
  std::string model;
  std::string api_key;  // sent as "Authorization: Bearer"; empty: none
  Millis timeout{120000};
  int max_tokens = 512;
  std::optional<double> temperature;            // unset: the server's default
  const http::TlsClientContext* tls = nullptr;  // for https; must outlive the client
};

// The request path for `base`: "/v1/chat/completions" appended, without doubling "/v1".
std::string ChatCompletionsPath(const Url& base);

class ChatClient {
 public:
  ChatClient(http::Executor executor, const Endpoint& endpoint);
  ~ChatClient();

  // Sends the messages; 429 and 503 are retried (honouring Retry-After, at most 30 s, up to
  // 4 times). `seed` is passed to the server as "seed".
  http::Awaitable<Answer> Complete(const std::vector<ChatMessage>& messages,
                                   std::optional<uint64_t> seed);

 private:
  http::Awaitable<Answer> Once(const std::string& body, std::string& retry_after);

  http::Executor executor_;
  const Endpoint& endpoint_;
  std::string path_;
  std::unique_ptr<http::ClientConnection> connection_;
};

}  // namespace bastion::redteam
