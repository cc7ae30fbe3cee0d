#pragma once
// Records every exchange in the audit trail: builds its event (who, what, how it went, every
// guard verdict, keyed digests of prompt and completion, content per policy) and waits until
// the event is durable before the response completes. ResponseChannel calls Commit() before
// the last bytes of a response; OnComplete() records exchanges that never got that far (the
// client left) without waiting.
//
// Not audited: /healthz and /readyz probes, and /metrics scrapes that succeeded.

#include <memory>

#include "audit/audit_log.h"
#include "gateway/filter.h"
#include "guard/guardrails.h"
#include "http/awaitable.h"

namespace bastion::gateway {

class AuditFilter : public Filter {
 public:
  // `redactor` redacts content under the "redacted" policy (PII and secrets, whatever the guard
  // policy's actions); it may be null when no policy is "redacted".
  AuditFilter(audit::AuditLog& log, std::shared_ptr<const guard::Guardrails> redactor);
  std::string_view name() const override { return "audit"; }

  void OnResponseData(Exchange& ex, std::string& data) override;
  // Held-back text earlier filters release at a stream's end is part of the answer too.
  void OnStreamEnd(Exchange& ex, std::vector<std::string>& events) override;
  void OnComplete(Exchange& ex) override;

  // Writes the exchange's event and waits until it is durable. False when it could not be
  // written: the response must then fail. Once per exchange; later calls return true.
  http::Awaitable<bool> Commit(Exchange& ex);

  // Records a request the HTTP server refused before routing, without waiting.
  void RecordRejected(int status, std::string_view reason);

  // The content policy for the exchange's caller: its key's, else its role's, else the default.
  ContentPolicy PolicyFor(const Exchange& ex) const;

 private:
  // The event's record, built once the exchange's outcome is known.
  audit::PendingRecord BuildRecord(Exchange& ex) const;
  std::string RedactForAudit(std::string_view text) const;
  static bool Audited(const Exchange& ex);
  // True once per audited exchange: the caller records it.
  static bool Claim(Exchange& ex);

  audit::AuditLog& log_;
  std::shared_ptr<const guard::Guardrails> redactor_;
};

}  // namespace bastion::gateway
