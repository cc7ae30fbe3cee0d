#pragma once
// Reading requests with Beast's parser under bastion's limits, shared by the server's
// sessions and the HTTP fuzz target.

#include <cstddef>
#include <optional>
#include <string>

#include "http/asio.h"
#include "http/message.h"

namespace bastion::http {

using RequestParser = bhttp::request_parser<bhttp::string_body>;

// Applies the header and body size limits. Beast then fails a read with
// bhttp::error::header_limit (431) or bhttp::error::body_limit (413).
void ApplyLimits(RequestParser& parser, size_t max_header_bytes, size_t max_body_bytes);

struct HeadProblem {
  int status;  // 400, 413 or 431
  std::string message;
};

// Checks a parsed request head for what Beast lets through but HTTP forbids or bastion
// limits: a head larger than `max_header_bytes` (Beast may count less than it read), a
// Transfer-Encoding whose last coding is not chunked (RFC 9112 6.3: a smuggling vector),
// HTTP/1.1 without exactly one Host (RFC 9112 3.2), a Content-Length over the body limit.
std::optional<HeadProblem> CheckRequestHead(const RequestParser& parser, size_t max_header_bytes,
                                            size_t max_body_bytes);

// Converts a parsed message into a Request (header names lower-cased, body moved).
Request ToRequest(bhttp::request<bhttp::string_body>&& message);

}  // namespace bastion::http
