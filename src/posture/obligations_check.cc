// data.obligations: what the declared data class ([posture] data_class) obliges the operator
// to, checked against the config where the config can show it, and acknowledged by the
// operator for classes that carry legal duties (pii, phi, privileged).
#include <string_view>
#include <vector>

#include "common/host_port.h"
#include "guard/policy.h"
#include "posture/config_checks.h"
#include "posture/url_origin.h"

namespace bastion::posture {
namespace {

using Test = bool (*)(const Config&);

struct Obligation {
  std::string_view text;
  Test met;  // nullptr: outside what the config shows; the operator's to meet
};

bool TransportEncrypted(const Config& c) {
  auto listen = ParseHostPort(c.server.listen);
  const bool listener = c.server.tls.enabled() || (listen.ok() && IsLoopbackHost(listen->host));
  for (const ModelConfig& m : c.models) {
    for (const UpstreamConfig& u : m.upstreams) {
      const UrlOrigin o = OriginOf(u.url);
      if (o.scheme == "http" && !o.loopback()) return false;
    }
  }
  return listener;
}

bool AuditOn(const Config& c) { return c.audit.enabled; }

bool NoCleartextAtRest(const Config& c) { return !c.audit.Uses(ContentPolicy::kRedacted); }

bool RetentionApplied(const Config& c) {
  return c.audit.enabled && c.audit.purge_interval.count() > 0 &&
         c.audit.retain_metadata.count() > 0;
}

bool PiiRedacted(const Config& c) {
  if (!c.guard.enabled) return false;
  auto policy = guard::Policy::FromConfig(c.guard);
  if (!policy.ok()) return false;
  const guard::Finding pii{.category = guard::Category::kPii, .rule = ""};
  return policy->ActionFor(pii, {}) >= guard::Action::kRedact;
}

bool ModelsOnThisHost(const Config& c) {
  for (const ModelConfig& m : c.models) {
    for (const UpstreamConfig& u : m.upstreams) {
      if (!OriginOf(u.url).loopback()) return false;
    }
  }
  return true;
}

constexpr Obligation kTransport = {"TLS on every network hop (listener and upstreams)",
                                   TransportEncrypted};
constexpr Obligation kAudit = {"an audit trail of every request", AuditOn};
constexpr Obligation kRetention = {
    "retention applied automatically (purge_interval, "
    "retain_metadata set)",
    RetentionApplied};
constexpr Obligation kPii = {"PII redacted or blocked by the guard before the model sees it",
                             PiiRedacted};
constexpr Obligation kSealed = {
    "no prompt text at rest in the clear (audit content none or "
    "encrypted, not redacted)",
    NoCleartextAtRest};

std::vector<Obligation> ObligationsOf(std::string_view data_class) {
  if (data_class == "confidential") return {kTransport, kAudit};
  if (data_class == "pii") {
    return {
        kTransport,
        kPii,
        kRetention,
        {"a lawful basis and a record of processing for personal data (GDPR art. 6, 30)", nullptr}};
  }
  if (data_class == "phi") {
    return {kTransport,
            kSealed,
            kAudit,
            kRetention,
            kPii,
            {"a business associate agreement with whoever operates the host and any upstream",
             nullptr}};
  }
  if (data_class == "privileged") {
    return {kTransport,
            kSealed,
            kAudit,
            {"models served on this host only (no third party's engine sees the matter)",
             ModelsOnThisHost},
            {"keys limited to each matter's team (per-key models)", nullptr}};
  }
  return {};
}

bool NeedsAcknowledgement(std::string_view data_class) {
  return data_class == "pii" || data_class == "phi" || data_class == "privileged";
}

}  // namespace

void CheckDataObligations(const Config& config, Checklist& out) {
  const PostureConfig& p = config.posture;
  if (p.data_class.empty()) {
    return out.Warn("data.obligations", "no data class declared: which duties apply is unknown",
                    "set [posture] data_class (public, internal, confidential, pii, phi or "
                    "privileged)");
  }
  std::string list;
  std::string unmet;
  for (const Obligation& o : ObligationsOf(p.data_class)) {
    const std::string mark = o.met == nullptr ? "[yours]" : o.met(config) ? "[met]" : "[NOT MET]";
    list += (list.empty() ? "" : "; ") + mark + " " + std::string(o.text);
    if (o.met != nullptr && !o.met(config))
      unmet += (unmet.empty() ? "" : "; ") + std::string(o.text);
  }
  const std::string detail =
      "data_class = \"" + p.data_class + "\"" + (list.empty() ? ": no obligations" : ": " + list);
  if (!unmet.empty()) {
    return out.Fail("data.obligations", detail, "meet: " + unmet);
  }
  if (NeedsAcknowledgement(p.data_class) && !p.obligations_acknowledged) {
    return out.Fail("data.obligations", detail + "; not acknowledged",
                    "review the obligations, then set [posture] obligations_acknowledged = true");
  }
  out.Pass("data.obligations", detail + (p.obligations_acknowledged ? "; acknowledged" : ""));
}

}  // namespace bastion::posture
