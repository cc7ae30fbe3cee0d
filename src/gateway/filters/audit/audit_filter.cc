#include "gateway/filters/audit/audit_filter.h"

#include <chrono>

#include "audit/content_box.h"
#include "audit/event.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "gateway/filters/audit/audit_text.h"
#include "gateway/filters/guard/guard_exchange.h"
#include "guard/redaction.h"
#include "http/asio.h"

namespace bastion::gateway {

struct AuditExchange {
  std::string answer;  // every choice's text as sent
  bool recorded = false;
};

namespace {

int64_t UnixMillisAt(Clock::time_point t) {
  auto ago = Clock::now() - t;
  auto now = std::chrono::system_clock::now() - ago;
  return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

double MillisBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

std::string_view Outcome(const Exchange& ex) {
  if (ex.client_gone) return "abandoned";
  if (ex.status >= 500 || ex.status == 0) return "failed";
  if (ex.status >= 400) return "rejected";
  return "completed";
}

void AddMarks(std::vector<audit::GuardMark>& marks, const char* side,
              const std::vector<guard::Finding>& findings) {
  for (const guard::Finding& f : findings) {
    marks.push_back({side, std::string(guard::CategoryName(f.category)), std::string(f.rule),
                     std::string(guard::ActionName(f.action))});
  }
}

// Waits on the connection's thread for the writer thread's answer.
struct DurableWait {
  explicit DurableWait(http::Executor executor) : timer(std::move(executor)) {}
  http::net::steady_timer timer;
  Status status;
  bool done = false;
};

}  // namespace

AuditFilter::AuditFilter(audit::AuditLog& log, std::shared_ptr<const guard::Guardrails> redactor)
    : log_(log), redactor_(std::move(redactor)) {}

bool AuditFilter::Audited(const Exchange& ex) {
  if (ex.route == "/healthz" || ex.route == "/readyz") return false;
  return !(ex.route == "/metrics" && ex.status == 200);
}

ContentPolicy AuditFilter::PolicyFor(const Exchange& ex) const {
  const AuditConfig& c = log_.config();
  if (!ex.identity) return c.content;
  std::string_view subject = ex.identity->subject;
  if (subject.starts_with("key:")) {
    for (const auto& [id, policy] : c.keys) {
      if (subject.substr(4) == id) return policy;
    }
  }
  std::string_view role = auth::RoleName(ex.identity->role);
  for (const auto& [name, policy] : c.roles) {
    if (name == role) return policy;
  }
  return c.content;
}

void AuditFilter::OnResponseData(Exchange& ex, std::string& data) {
  if (!ex.inference) return;
  if (!ex.audit) ex.audit = std::make_shared<AuditExchange>();
  AppendAnswerText(data, ex.audit->answer, ex.finish_reason);
}

void AuditFilter::OnStreamEnd(Exchange& ex, std::vector<std::string>& events) {
  for (std::string& data : events) OnResponseData(ex, data);
}

std::string AuditFilter::RedactForAudit(std::string_view text) const {
  if (!redactor_) return std::string(text);
  guard::Detection d = redactor_->detector().Detect(text);
  std::vector<guard::Finding> kept;
  for (guard::Finding& f : d.findings) {
    if (f.category != guard::Category::kPii && f.category != guard::Category::kSecret) continue;
    f.action = guard::Action::kRedact;
    kept.push_back(f);
  }
  guard::Redaction redaction;
  return redaction.Apply(text, kept);
}

audit::PendingRecord AuditFilter::BuildRecord(Exchange& ex) const {
  const audit::DigestKey& digests = log_.digests();
  audit::Event e;
  auto now = Clock::now();
  e.time_ms = UnixMillisAt(ex.start);
  e.request_id = ex.request_id;
  if (ex.identity) {
    e.subject = ex.identity->subject;
    e.role = std::string(auth::RoleName(ex.identity->role));
  }
  e.auth_failure = ex.auth_failure;
  if (!ex.request.remote_address.empty() && ex.request.remote_address != "-") {
    e.client = digests.Digest("client:" + ex.request.remote_address);
  }
  e.method = ex.request.method;
  e.route = ex.route;
  e.model = ex.model;
  e.backend = ex.upstream;
  e.status = ex.status;
  e.error = ex.error_code;
  e.finish_reason = ex.finish_reason;
  e.outcome = std::string(Outcome(ex));
  if (ex.inference) e.stream = ex.inference->stream;
  e.prompt_tokens = ex.prompt_tokens;
  e.completion_tokens = ex.completion_tokens;
  e.ttft_ms = ex.first_byte ? MillisBetween(ex.start, *ex.first_byte) : -1;
  e.latency_ms = MillisBetween(ex.start, now);
  if (ex.guard) {
    AddMarks(e.guard, "input", ex.guard->input_findings);
    AddMarks(e.guard, "output", ex.guard->output_findings);
  }
  std::string prompt, answer;
  if (ex.inference) {
    prompt = PromptText(ex.inference->kind, ex.request.body);
    if (ex.audit) answer = std::move(ex.audit->answer);
    if (!prompt.empty()) e.prompt_digest = digests.Digest(prompt);
    if (!answer.empty()) e.completion_digest = digests.Digest(answer);
  }
  ContentPolicy policy = PolicyFor(ex);
  std::string content;
  if (policy != ContentPolicy::kNone && ex.inference) {
    e.content_policy = std::string(ContentPolicyName(policy));
    if (policy == ContentPolicy::kRedacted) {
      prompt = RedactForAudit(prompt);
      answer = RedactForAudit(answer);
    }
    JsonWriter w;
    w.BeginObject().Key("prompt").String(prompt).Key("completion").String(answer).EndObject();
    content =
        policy == ContentPolicy::kEncrypted ? audit::Seal(log_.auditor_key(), w.str()) : w.Take();
  }
  return audit::ToRecord(std::move(e), std::move(content));
}

bool AuditFilter::Claim(Exchange& ex) {
  if (!ex.audit) ex.audit = std::make_shared<AuditExchange>();
  if (ex.audit->recorded || !Audited(ex)) return false;
  ex.audit->recorded = true;
  return true;
}

http::Awaitable<bool> AuditFilter::Commit(Exchange& ex) {
  if (!Claim(ex)) co_return true;
  auto wait = std::make_shared<DurableWait>(co_await http::net::this_coro::executor);
  wait->timer.expires_at(Clock::time_point::max());
  log_.Submit(BuildRecord(ex), [wait](const Status& status) {
    // On the writer thread: hand the answer to the connection's thread.
    http::net::post(wait->timer.get_executor(), [wait, status] {
      wait->status = status;
      wait->done = true;
      wait->timer.cancel();
    });
  });
  while (!wait->done) {
    http::error_code ec;
    co_await wait->timer.async_wait(http::net::redirect_error(http::net::use_awaitable, ec));
  }
  if (!wait->status.ok()) {
    spdlog::error("request id={}: audit event not written: {}", ex.request_id,
                  wait->status.message());
  }
  co_return wait->status.ok();
}

void AuditFilter::RecordRejected(int status, std::string_view reason) {
  audit::Event e;
  e.time_ms = audit::UnixMillisNow();
  e.route = "-";
  e.status = status;
  e.error = "request_rejected";
  e.reason = std::string(reason);
  e.outcome = status >= 500 ? "failed" : "rejected";
  log_.Submit(audit::ToRecord(std::move(e), ""), [status](const Status& st) {
    if (!st.ok())
      spdlog::error("audit event for a refused request ({}) lost: {}", status, st.message());
  });
}

void AuditFilter::OnComplete(Exchange& ex) {
  if (!Claim(ex)) return;
  std::string request_id = ex.request_id;
  log_.Submit(BuildRecord(ex), [request_id](const Status& status) {
    if (!status.ok()) {
      spdlog::error("request id={}: audit event lost: {}", request_id, status.message());
    }
  });
}

}  // namespace bastion::gateway
