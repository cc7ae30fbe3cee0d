#pragma once
// bastion doctor: the deployment checklist. Items a reviewer would ask about (see
// docs/doctor.md), judged from the configuration and, with a URL, from a running server probed
// from outside without credentials.

#include <cstdint>
#include <string>

#include "common/config.h"
#include "common/duration.h"
#include "common/url.h"
#include "posture/checklist.h"
#include "posture/posture_env.h"
#include "posture/tls_probe.h"
#include "posture/url_probe.h"

namespace bastion::posture {

// Every item the configuration decides, in checklist order. Reads model files, the red-team
// report, TLS files and the key store through `env` or read-only; writes nothing.
Checklist CheckConfig(const Config& config, const PostureEnv& env);

// The items a running server shows from outside (url_probe.h, tls_probe.h), appended to `out`:
// TLS first for https, then the routes.
void ProbeServer(const Url& url, ProbeTransport& transport, TlsProber* tls, int64_t now_ms,
                 Checklist& out);

}  // namespace bastion::posture
