#pragma once
// Where a key set's JSON comes from: a local file, or one GET of an http(s) URL. Blocking,
// on the caller's thread (JwksSource's refresh thread). At most 64 KiB either way.

#include <memory>
#include <string>

#include "common/duration.h"
#include "common/status.h"
#include "common/url.h"
#include "http/client.h"

namespace bastion::auth {

inline constexpr size_t kMaxJwksDocumentBytes = 64 << 10;

Result<std::string> ReadJwksFile(const std::string& path);

// GET `url`. Plain http only to loopback hosts: anyone on the path of a plain http fetch
// could substitute their own keys. Redirects are not followed; any answer but 200 is
// Unavailable. `tls` is required for https and must outlive the call; `timeout` bounds the
// connect and each read.
Result<std::string> FetchJwksUrl(const Url& url, const http::TlsClientContext* tls, Millis timeout);

}  // namespace bastion::auth
