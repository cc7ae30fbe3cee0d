#pragma once
// One request as the audit trail records it: who, what, how it went, and every guard verdict,
// never what was said. Prompt and completion appear only as keyed digests, and as content when
// the content policy asks (sealed or redacted, stored beside the event, not in it).

#include <cstdint>
#include <string>
#include <vector>

#include "audit/record.h"

namespace bastion::audit {

struct GuardMark {
  std::string side;      // "input", "output"
  std::string category;  // "pii", "secret", "jailbreak", ...
  std::string rule;      // "pii.email"
  std::string action;    // "flag", "redact", "block"
};

struct Event {
  int64_t time_ms = 0;  // when the request arrived, Unix milliseconds
  std::string request_id;
  std::string subject;  // "key:<id>", "jwt:<sub>", "" when unauthenticated
  std::string role;
  std::string auth_failure;  // why authentication failed, when it did
  std::string client;        // keyed digest of the client address
  std::string method, route, model;
  std::string backend;  // "embedded", or the upstream host that answered
  int status = 0;
  std::string error;   // the API error code, when the exchange failed
  std::string reason;  // why the HTTP server refused a request before routing (its own words)
  std::string finish_reason;
  // "completed", "rejected" (4xx before or without the backend), "failed" (5xx), "abandoned"
  // (the client left before the response ended)
  std::string outcome;
  bool stream = false;
  int64_t prompt_tokens = -1, completion_tokens = -1;  // -1: unknown
  double ttft_ms = -1, latency_ms = 0;                 // ttft -1: no byte was sent
  std::vector<GuardMark> guard;
  std::string prompt_digest, completion_digest;  // keyed digests; "" when there was no text
  std::string content_policy = "none";
  std::string content_sha256;  // of the stored content, when there is some
};

// The canonical JSON of `e`: fixed key order, unknown values left out, times as RFC 3339 UTC.
std::string EventJson(const Event& e);

// What a store is handed: the event's JSON and its content.
PendingRecord ToRecord(Event e, std::string content);

// "2026-12-03T20:30:00.123Z".
std::string FormatTime(int64_t unix_ms);
// The wall clock, Unix milliseconds: event times, checkpoints, retention cutoffs.
int64_t UnixMillisNow();

}  // namespace bastion::audit
