#pragma once
// A target's answer to one request, as the judges read it (no HTTP types: the judges and
// parsers build without the client).

#include <string>

namespace bastion::redteam {

// What came back for one request.
struct Answer {
  int http_status = 0;        // 0: no HTTP answer (connection refused, timeout, reset)
  std::string error;          // API error code/type (4xx/5xx) or the transport error
  std::string content;        // choices[0].message.content
  std::string reasoning;      // choices[0].message.reasoning_content, when the server splits it
  std::string finish_reason;  // "stop", "length", "content_filter" (a guardrail cut it), ...
  int completion_tokens = 0;
  double latency_ms = 0;
};

}  // namespace bastion::redteam
