#include "audit/event.h"

#include <chrono>
#include <cmath>
#include <ctime>

#include "audit/chain.h"
#include "common/json_writer.h"
#include "model/intake/file_digest.h"

namespace bastion::audit {
namespace {

void OptionalString(JsonWriter& w, const char* key, const std::string& value) {
  if (!value.empty()) w.Key(key).String(value);
}

// Milliseconds with microsecond precision, so the JSON is the same on every platform.
void Millis(JsonWriter& w, const char* key, double ms) {
  w.Key(key).Double(std::round(ms * 1000.0) / 1000.0);
}

}  // namespace

std::string FormatTime(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return buf;
}

int64_t UnixMillisNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string EventJson(const Event& e) {
  JsonWriter w;
  w.BeginObject().Key("v").Int(1).Key("kind").String("request");
  w.Key("time").String(FormatTime(e.time_ms));
  OptionalString(w, "request_id", e.request_id);
  OptionalString(w, "subject", e.subject);
  OptionalString(w, "role", e.role);
  OptionalString(w, "auth_failure", e.auth_failure);
  OptionalString(w, "client", e.client);
  OptionalString(w, "method", e.method);
  OptionalString(w, "route", e.route);
  OptionalString(w, "model", e.model);
  OptionalString(w, "backend", e.backend);
  w.Key("status").Int(e.status);
  OptionalString(w, "error", e.error);
  OptionalString(w, "reason", e.reason);
  OptionalString(w, "finish_reason", e.finish_reason);
  OptionalString(w, "outcome", e.outcome);
  if (!e.model.empty()) w.Key("stream").Bool(e.stream);
  if (e.prompt_tokens >= 0) w.Key("prompt_tokens").Int(e.prompt_tokens);
  if (e.completion_tokens >= 0) w.Key("completion_tokens").Int(e.completion_tokens);
  if (e.ttft_ms >= 0) Millis(w, "ttft_ms", e.ttft_ms);
  Millis(w, "latency_ms", e.latency_ms);
  if (!e.guard.empty()) {
    w.Key("guard").BeginArray();
    for (const GuardMark& g : e.guard) {
      w.BeginObject().Key("side").String(g.side).Key("category").String(g.category);
      w.Key("rule").String(g.rule).Key("action").String(g.action).EndObject();
    }
    w.EndArray();
  }
  OptionalString(w, "prompt_digest", e.prompt_digest);
  OptionalString(w, "completion_digest", e.completion_digest);
  w.Key("content").String(e.content_policy);
  OptionalString(w, "content_sha256", e.content_sha256);
  w.EndObject();
  return w.Take();
}

PendingRecord ToRecord(Event e, std::string content) {
  if (!content.empty()) e.content_sha256 = model::Sha256HexOfText(content);
  PendingRecord r;
  r.time_ms = e.time_ms;
  r.kind = "request";
  r.request_id = e.request_id;
  r.event = EventJson(e);
  r.content = std::move(content);
  return r;
}

}  // namespace bastion::audit
