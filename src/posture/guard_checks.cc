// guard.enabled and monitoring.alerts: guardrails on both sides, and jailbreak and leak
// attempts counted where Prometheus can alert on them.
#include <vector>

#include "guard/policy.h"
#include "guard/prompt_leak.h"
#include "guard/rule.h"
#include "posture/config_checks.h"

namespace bastion::posture {
namespace {

void CheckEnabled(const GuardConfig& g, Checklist& out) {
  if (!g.enabled) {
    out.Warn("guard.enabled",
             "guard disabled: no request or answer is scanned for jailbreaks, injection, "
             "secrets or PII",
             "set [guard] enabled = true");
  } else if (!g.scan_output) {
    out.Warn("guard.enabled",
             "requests are scanned, answers are not: leaked secrets, PII and system prompts "
             "reach clients",
             "set [guard] scan_output = true");
  } else {
    out.Pass(
        "guard.enabled",
        "requests and answers (streamed too, reasoning included) scanned" +
            std::string(g.classifier_model.empty() ? "" : "; classifier " + g.classifier_model));
  }
}

// A finding of every jailbreak and injection rule, the system-prompt leak among them.
std::vector<guard::Finding> IntentFindings() {
  std::vector<guard::Finding> findings;
  for (const guard::Rule& r : guard::AllRules()) {
    if (r.category == guard::Category::kJailbreak || r.category == guard::Category::kInjection) {
      findings.push_back({.category = r.category, .rule = r.id});
    }
  }
  findings.push_back(
      {.category = guard::Category::kInjection, .rule = guard::kSystemPromptLeakRule});
  return findings;
}

// Where a jailbreak, injection or leak rule is set to "allow": "base", "role user", ...
std::string AllowedScopes(const GuardConfig& g, const guard::Policy& policy) {
  std::vector<std::pair<std::string, guard::PolicyScope>> scopes = {{"[guard.actions]", {}}};
  for (const auto& [name, actions] : g.roles) scopes.push_back({"role " + name, {.role = name}});
  for (const auto& [name, actions] : g.models) {
    scopes.push_back({"model " + name, {.model = name}});
  }
  for (const auto& [id, actions] : g.keys) scopes.push_back({"key " + id, {.key_id = id}});
  std::string allowed;
  for (const auto& [label, scope] : scopes) {
    for (const guard::Finding& f : IntentFindings()) {
      if (policy.ActionFor(f, scope) != guard::Action::kAllow) continue;
      allowed += (allowed.empty() ? "" : ", ") + std::string(f.rule) + " (" + label + ")";
      break;
    }
  }
  return allowed;
}

const char* kAlertsNote =
    "; load deploy/prometheus/alerts.yml (JailbreakSpike, SecretLeakBlocked) into Prometheus";

void CheckMonitoring(const Config& config, Checklist& out) {
  const GuardConfig& g = config.guard;
  if (!g.enabled) {
    out.Warn("monitoring.alerts",
             "guard disabled: bastion_jailbreak_attempts_total and bastion_guard_findings_total "
             "stay at 0, so jailbreak and leak alerts cannot fire",
             "set [guard] enabled = true");
    return;
  }
  auto policy = guard::Policy::FromConfig(g);
  if (!policy.ok()) {
    out.Fail("monitoring.alerts", "guard policy: " + policy.status().message(),
             "fix [guard.actions] (see `bastion guard rules`)");
    return;
  }
  const std::string scrape = config.auth.metrics_anonymous
                                 ? "GET /metrics, anonymous"
                                 : "GET /metrics, with an operator or admin key";
  const std::string allowed = AllowedScopes(g, *policy);
  if (!allowed.empty()) {
    out.Warn("monitoring.alerts",
             "jailbreak or injection rules set to \"allow\": " + allowed +
                 ": attempts are counted but never stopped",
             "set jailbreak and injection to \"block\" (or \"flag\" to watch without blocking)");
    return;
  }
  out.Pass("monitoring.alerts",
           "jailbreak, injection and system-prompt leak findings are acted on and counted "
           "(bastion_jailbreak_attempts_total, bastion_guard_findings_total) at " +
               scrape + kAlertsNote);
}

}  // namespace

void CheckGuard(const Config& config, Checklist& out) {
  CheckEnabled(config.guard, out);
  CheckMonitoring(config, out);
}

}  // namespace bastion::posture
