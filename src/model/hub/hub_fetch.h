#pragma once
// One HTTP GET against the hub or a host it redirects to, with the pull's security rules:
// only allowlisted hosts are dialled, at most kMaxHubRedirects redirects are followed, plain
// http only to loopback hosts, and the token goes to the hub's own origin only (never to a
// CDN, never logged). One fresh connection per request: a pull makes few, long requests.
//
// Everything here runs on the caller's thread (RunHubIo): a pull gives each parallel
// download a thread of its own, so hashing a finished file never stalls another transfer.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/duration.h"
#include "common/status.h"
#include "http/awaitable.h"
#include "http/client.h"
#include "model/hub/hub_url.h"

namespace bastion::model {

inline constexpr int kMaxHubRedirects = 5;

// Shared by every request of a pull; immutable while the pull runs.
struct HubTransport {
  HubUrl hub;  // its origin gets the token
  HostAllowlist allowlist;
  std::string token;                            // HF_TOKEN; empty: none
  const http::TlsClientContext* tls = nullptr;  // for https; outlives the pull
  Millis connect_timeout{30000};
  Millis idle_timeout{60000};  // per read of the body, and for the response head
};

struct HubResponse {
  std::unique_ptr<http::ClientConnection> connection;  // positioned at the body
  http::ClientResponseHead head;                       // the final, non-redirect answer
  HubUrl url;                                          // where it came from
};

// Sends GET `url` (plus `extra` headers, e.g. Range) and follows redirects. PermissionDenied
// for a host outside the allowlist or a plain-http hop; Unavailable after too many redirects
// or when a host cannot be reached. Any final status is returned as is for the caller to judge.
http::Awaitable<Result<HubResponse>> OpenHubUrl(http::Executor executor, HubUrl url,
                                                const HubTransport& transport,
                                                http::HeaderList extra = {});

// The whole body, at most `max_bytes` (ResourceExhausted beyond).
http::Awaitable<Result<std::string>> ReadHubBody(HubResponse& response, size_t max_bytes,
                                                 Millis idle_timeout);

// Runs `work` on a private io_context on this thread and returns its result.
template <typename T>
Result<T> RunHubIo(std::function<http::Awaitable<Result<T>>(http::Executor)> work);

// A short, printable excerpt of an error body (the hub's JSON "error", if any).
std::string HubErrorExcerpt(std::string_view body);

}  // namespace bastion::model

#include "model/hub/hub_fetch_inl.h"
