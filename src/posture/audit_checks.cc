// audit.no_prompt_text and audit.retention: what the trail keeps of prompts, and for how long.
#include "posture/config_checks.h"

namespace bastion::posture {
namespace {

// Every policy in force, the default first: "none", "encrypted (role auditor)".
std::string PoliciesInForce(const AuditConfig& a) {
  std::string out = "content = \"" + std::string(ContentPolicyName(a.content)) + "\"";
  for (const auto& [role, p] : a.roles) {
    out += ", role " + role + " \"" + std::string(ContentPolicyName(p)) + "\"";
  }
  for (const auto& [key, p] : a.keys) {
    out += ", key " + key + " \"" + std::string(ContentPolicyName(p)) + "\"";
  }
  return out;
}

// bastion's logger carries no prompt text, body or header at any level: there is no debug or
// trace statement that logs request content, so the level changes only how much is logged.
std::string LogNote(const Config& config) {
  return "; logs (log_level = \"" + config.log_level + "\") never carry prompt text at any level";
}

void CheckPromptText(const Config& config, Checklist& out) {
  const AuditConfig& a = config.audit;
  if (!a.enabled) {
    out.Pass("audit.no_prompt_text", "audit disabled: no prompt text is stored" + LogNote(config));
    return;
  }
  std::string what = PoliciesInForce(a) + ": ";
  if (a.Uses(ContentPolicy::kRedacted)) {
    what += "redacted text (PII and secrets replaced by placeholders) is stored for some events";
  } else if (a.Uses(ContentPolicy::kEncrypted)) {
    what += "prompts are stored sealed to the auditor's key, which the server cannot open";
  } else {
    what += "events keep keyed digests only, no prompt or completion text";
  }
  if (a.Uses(ContentPolicy::kRedacted) && a.Uses(ContentPolicy::kEncrypted)) {
    what += "; others are sealed to the auditor's key";
  }
  out.Pass("audit.no_prompt_text", what + LogNote(config));
}

void CheckRetention(const AuditConfig& a, Checklist& out) {
  if (!a.enabled) {
    out.Fail("audit.retention", "audit disabled: no record of who asked which model what",
             "set [audit] enabled = true");
    return;
  }
  const std::string detail = "events kept " + FormatDuration(a.retain_metadata) +
                             ", stored content " + FormatDuration(a.retain_content) +
                             ", purged every " + FormatDuration(a.purge_interval);
  if (a.retain_metadata.count() == 0) {
    out.Fail("audit.retention",
             detail +
                 ": retain_metadata = 0 deletes every event at the next "
                 "purge, so the trail keeps nothing",
             "set [audit] retain_metadata to what your policy requires, e.g. \"90d\"");
  } else if (a.purge_interval.count() == 0) {
    out.Warn("audit.retention",
             "events kept " + FormatDuration(a.retain_metadata) + ", stored content " +
                 FormatDuration(a.retain_content) +
                 ", but purge_interval = 0: nothing is purged unless `bastion audit purge` runs",
             "set [audit] purge_interval = \"1h\", or run `bastion audit purge` from a timer");
  } else {
    out.Pass("audit.retention", detail);
  }
}

}  // namespace

void CheckAudit(const Config& config, Checklist& out) {
  CheckPromptText(config, out);
  CheckRetention(config.audit, out);
}

}  // namespace bastion::posture
