// The [audit] section of the config.

#include <toml++/toml.h>

#include "common/config.h"
#include "common/config_table_reader.h"

namespace bastion {
namespace {

Result<ContentPolicy> ParseContentPolicy(std::string_view text) {
  if (text == "none") return ContentPolicy::kNone;
  if (text == "redacted") return ContentPolicy::kRedacted;
  if (text == "encrypted") return ContentPolicy::kEncrypted;
  return Status::InvalidArgument("must be \"none\", \"redacted\" or \"encrypted\"");
}

// [audit.roles] / [audit.keys]: name = "none" | "redacted" | "encrypted".
Status ReadPolicies(const toml::table& t, std::string_view origin, const std::string& where,
                    std::vector<std::pair<std::string, ContentPolicy>>& out) {
  for (const auto& [name, node] : t) {
    const auto* text = node.as_string();
    auto policy = text ? ParseContentPolicy(text->get()) : ParseContentPolicy("");
    if (!policy.ok()) {
      return Status::InvalidArgument(std::string(origin) + ": " + where + "." +
                                     std::string(name.str()) + " " + policy.status().message());
    }
    out.emplace_back(std::string(name.str()), *policy);
  }
  return Status::Ok();
}

}  // namespace

std::string_view ContentPolicyName(ContentPolicy policy) {
  switch (policy) {
    case ContentPolicy::kNone:
      return "none";
    case ContentPolicy::kRedacted:
      return "redacted";
    case ContentPolicy::kEncrypted:
      return "encrypted";
  }
  return "none";
}

bool AuditConfig::Uses(ContentPolicy policy) const {
  bool used = content == policy;
  for (const auto& [name, p] : roles) used |= p == policy;
  for (const auto& [name, p] : keys) used |= p == policy;
  return used;
}

Status ReadAuditConfig(const toml::table& t, std::string_view origin, AuditConfig& a) {
  TableReader r(t, "audit.", origin);
  r.Bool("enabled", a.enabled);
  r.String("store_url", a.store_url);
  std::string content;
  r.String("content", content);
  r.String("auditor_public_key_file", a.auditor_public_key_file);
  r.String("signing_key_file", a.signing_key_file);
  r.String("digest_key_file", a.digest_key_file);
  r.Duration("retain_metadata", a.retain_metadata);
  r.Duration("retain_content", a.retain_content);
  r.Duration("purge_interval", a.purge_interval);
  r.Duration("checkpoint_interval", a.checkpoint_interval);
  r.Duration("commit_delay", a.commit_delay);
  r.Integer("max_batch", a.max_batch, 1, 65536);
  r.Integer("queue_capacity", a.queue_capacity, 16, 16 << 20);
  const toml::table* roles = r.Table("roles");
  const toml::table* keys = r.Table("keys");
  if (Status st = r.Finish(); !st.ok()) return st;
  if (!content.empty()) {
    auto policy = ParseContentPolicy(content);
    if (!policy.ok()) {
      return Status::InvalidArgument(std::string(origin) + ": audit.content " +
                                     policy.status().message());
    }
    a.content = *policy;
  }
  if (roles) {
    if (Status st = ReadPolicies(*roles, origin, "audit.roles", a.roles); !st.ok()) return st;
  }
  if (keys) return ReadPolicies(*keys, origin, "audit.keys", a.keys);
  return Status::Ok();
}

Status ValidateAuditConfig(const Config& config) {
  const AuditConfig& a = config.audit;
  if (a.Uses(ContentPolicy::kEncrypted) && a.auditor_public_key_file.empty()) {
    return Status::InvalidArgument(
        "audit content \"encrypted\" needs audit.auditor_public_key_file (make a key pair with "
        "`bastion audit keygen`)");
  }
  if (!a.store_url.empty() && a.store_url.rfind("postgres", 0) != 0) {
    return Status::InvalidArgument("audit.store_url must be a postgresql:// URL");
  }
  if (a.retain_content > a.retain_metadata) {
    return Status::InvalidArgument(
        "audit.retain_content must not be longer than audit.retain_metadata (content goes with "
        "its event)");
  }
  if (a.commit_delay > Millis(1000)) {
    return Status::InvalidArgument(
        "audit.commit_delay must be at most 1s (every response waits it)");
  }
  if (a.checkpoint_interval.count() <= 0) {
    return Status::InvalidArgument("audit.checkpoint_interval must be positive");
  }
  return Status::Ok();
}

}  // namespace bastion
