// The [guard] section of the config. Names of categories, rules and actions are checked where
// the rules are known (guard/policy.cc), when the server or `bastion guard scan` starts.

#include <toml++/toml.h>

#include <fstream>

#include "common/config.h"
#include "common/config_table_reader.h"

namespace bastion {
namespace {

Status ReadActions(const toml::table& t, const std::string& where, GuardActions& out) {
  for (const auto& [name, node] : t) {
    const auto* action = node.as_string();
    if (action == nullptr) {
      return Status::InvalidArgument(where + "." + std::string(name.str()) +
                                     " must be \"allow\", \"flag\", \"redact\" or \"block\"");
    }
    out.emplace_back(std::string(name.str()), action->get());
  }
  return Status::Ok();
}

// [guard.roles.<name>.actions], [guard.models.<name>.actions], [guard.keys.<id>.actions].
Status ReadOverrides(const toml::table& t, std::string_view origin, const std::string& kind,
                     std::vector<std::pair<std::string, GuardActions>>& out) {
  for (const auto& [name, node] : t) {
    std::string prefix = "guard." + kind + "." + std::string(name.str()) + ".";
    if (!node.is_table()) {
      return Status::InvalidArgument(std::string(origin) + ": " + prefix +
                                     "actions: expected a table");
    }
    TableReader r(*node.as_table(), prefix, origin);
    const toml::table* actions = r.Table("actions");
    if (Status st = r.Finish(); !st.ok()) return st;
    GuardActions parsed;
    if (actions) {
      if (Status st = ReadActions(*actions, r.Where("actions"), parsed); !st.ok()) return st;
    }
    out.emplace_back(std::string(name.str()), std::move(parsed));
  }
  return Status::Ok();
}

}  // namespace

Status ReadGuardConfig(const toml::table& t, std::string_view origin, GuardConfig& g) {
  TableReader r(t, "guard.", origin);
  r.Bool("enabled", g.enabled);
  r.Bool("scan_output", g.scan_output);
  r.Bool("restore_redacted", g.restore_redacted);
  r.Number("intent_threshold", g.intent_threshold, 0.01, 1.0);
  r.Integer("hold_back_bytes", g.hold_back_bytes, 16, 4096);
  r.String("classifier_model", g.classifier_model);
  r.Number("classifier_from", g.classifier_from, 0.01, 1.0);
  const toml::table* actions = r.Table("actions");
  const toml::table* roles = r.Table("roles");
  const toml::table* models = r.Table("models");
  const toml::table* keys = r.Table("keys");
  if (Status st = r.Finish(); !st.ok()) return st;
  if (actions) {
    if (Status st = ReadActions(*actions, r.Where("actions"), g.actions); !st.ok()) return st;
  }
  if (roles) {
    if (Status st = ReadOverrides(*roles, origin, "roles", g.roles); !st.ok()) return st;
  }
  if (models) {
    if (Status st = ReadOverrides(*models, origin, "models", g.models); !st.ok()) return st;
  }
  if (keys) return ReadOverrides(*keys, origin, "keys", g.keys);
  return Status::Ok();
}

Result<GuardConfig> LoadGuardPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open policy file '" + path + "'");
  toml::table root;
  try {
    root = toml::parse(in, path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
  GuardConfig guard;
  const toml::table* table = root.contains("guard") ? root["guard"].as_table() : &root;
  if (table == nullptr) return Status::InvalidArgument(path + ": guard must be a table");
  if (Status st = ReadGuardConfig(*table, path, guard); !st.ok()) return st;
  return guard;
}

}  // namespace bastion
