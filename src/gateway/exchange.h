#pragma once
// One request's journey through the gateway: what the filters and the backend learn about it
// as it goes. Lives on the connection's thread for the duration of the request; filters keep
// their per-request state here, never in themselves.

#include <chrono>
#include <optional>
#include <string>

#include "gateway/inference_request.h"
#include "http/message.h"

namespace bastion::gateway {

using Clock = std::chrono::steady_clock;

struct Exchange {
  explicit Exchange(const http::Request& r) : request(r), start(Clock::now()) {}

  const http::Request& request;
  Clock::time_point start;
  std::string request_id;
  std::string route;  // the matched route pattern, or "unmatched"
  std::string model;  // the resolved model name, once known
  std::optional<InferenceRequest> inference;
  http::HeaderList response_headers;  // added to whatever response is sent

  // Filled in as the response goes out.
  int status = 0;
  std::string error_code;  // ApiError::code when the exchange failed
  std::string upstream;    // the upstream that answered, for logs and metrics
  int attempts = 0;        // upstreams tried
  std::optional<Clock::time_point> first_byte;  // first response byte sent to the client
  uint64_t response_bytes = 0;
  bool client_gone = false;
};

}  // namespace bastion::gateway
