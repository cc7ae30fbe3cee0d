#pragma once
// One request's journey through the gateway: what the filters and the backend learn about it
// as it goes. Lives on the connection's thread for the duration of the request; filters keep
// their per-request state here, never in themselves.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "auth/identity.h"
#include "auth/role.h"
#include "gateway/inference_request.h"
#include "http/message.h"

namespace bastion::gateway {

struct GuardExchange;  // the guard's per-request state (filters/guard/guard_exchange.h)
struct AuditExchange;  // the audit's per-request state (filters/audit/audit_filter.cc)

using Clock = std::chrono::steady_clock;

struct Exchange {
  explicit Exchange(const http::Request& r) : request(r), start(Clock::now()) {}

  const http::Request& request;
  Clock::time_point start;
  std::string request_id;
  std::string route;        // the matched route pattern, or "unmatched"
  std::string route_param;  // the path segment a "{id}" in the pattern matched
  std::string model;        // the resolved model name, once known
  std::optional<InferenceRequest> inference;
  // The body backends send on, when a filter rewrote it (e.g. to cap max_tokens).
  std::optional<std::string> rewritten_body;
  http::HeaderList response_headers;  // added to whatever response is sent

  // Access control: what the route needs, who is calling, what the limiter reserved.
  auth::Permission permission = auth::Permission::kAuthenticated;
  std::optional<auth::Identity> identity;
  std::string auth_failure;  // why authentication failed, for metrics and audit
  bool admitted = false;     // the limiter admitted this request; Settle once at completion
  int64_t admitted_ms = 0;
  int64_t reserved_tokens = 0;

  // Guardrails: what the guard found and decided, on the request and on the answer.
  std::shared_ptr<GuardExchange> guard;
  // Audit: the answer's text as sent, for its digest; whether the event is written.
  std::shared_ptr<AuditExchange> audit;

  // Filled in as the response goes out.
  int status = 0;
  std::string error_code;                       // ApiError::code when the exchange failed
  std::string upstream;                         // the upstream that answered, for logs and metrics
  int attempts = 0;                             // upstreams tried
  std::optional<Clock::time_point> first_byte;  // first response byte sent to the client
  uint64_t response_bytes = 0;
  bool client_gone = false;
  // Token usage, from the backend or the response's "usage"; -1 while unknown.
  int64_t prompt_tokens = -1;
  int64_t completion_tokens = -1;
  int64_t content_events = 0;  // streamed events carrying choices, when usage never comes
  std::string finish_reason;   // the last choice's, as sent to the client

  std::string_view body() const { return rewritten_body ? *rewritten_body : request.body; }
};

}  // namespace bastion::gateway
