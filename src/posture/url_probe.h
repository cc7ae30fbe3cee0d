#pragma once
// doctor --url: a running server probed from outside, as an attacker on the network would,
// without credentials. Each probe is an ordinary request; none changes state (the admin probe
// lists keys, it never creates one; the chat probe asks for one token).
//
//   probe.reachable  GET /healthz answers at all
//   probe.routes     GET /v1/models, POST /v1/chat/completions, POST /v1/completions,
//                    GET /readyz: 401/403 pass, 2xx fail, anything else warns
//   probe.metrics    GET /metrics: 2xx warns on a loopback host, fails on a network host
//   probe.admin      GET /admin/keys: 2xx fails
//   probe.headers    Server or X-Powered-By naming a version warns
//
// The probe logic talks to a ProbeTransport, so tests can script the answers.

#include <memory>
#include <string>

#include "common/duration.h"
#include "common/status.h"
#include "common/url.h"
#include "posture/checklist.h"

namespace bastion::posture {

struct ProbeResponse {
  int status = 0;
  std::string server;      // the Server header
  std::string powered_by;  // the X-Powered-By header
  std::string body;        // at most the first 64 KiB
};

class ProbeTransport {
 public:
  virtual ~ProbeTransport() = default;
  // One request without credentials to `path` under the probed URL. Unavailable or
  // DeadlineExceeded when there is no answer.
  virtual Result<ProbeResponse> Send(const std::string& method, const std::string& path,
                                     const std::string& body) = 0;
};

// Sends through bastion's HTTP client, one connection per request. https peers must present a
// certificate that `ca_file` (empty: the system's CAs) vouches for, for the URL's host.
Result<std::unique_ptr<ProbeTransport>> NewHttpProbeTransport(const Url& url,
                                                              const std::string& ca_file,
                                                              Millis timeout);

// Appends the items above. `url` names the host (loopback or not changes the metrics verdict).
// False when the server did not answer (only probe.reachable is appended then).
bool ProbeRoutes(const Url& url, ProbeTransport& transport, Checklist& out);

}  // namespace bastion::posture
