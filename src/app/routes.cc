// bastion routes: every route the server answers and which roles may call it, straight from
// the router and the role table (so it cannot drift from what the server enforces).
#include <cstdio>
#include <memory>

#include "app/commands.h"
#include "common/json_writer.h"
#include "gateway/gateway.h"

namespace bastion::app {
namespace {

constexpr auth::Role kRoles[] = {auth::Role::kAdmin, auth::Role::kOperator, auth::Role::kUser,
                                 auth::Role::kAuditor};

int PrintRoutes(bool json) {
  JsonWriter w;
  w.BeginArray();
  for (const gateway::RouteSpec& r : gateway::Gateway::Routes()) {
    std::string roles;
    w.BeginObject().Key("method").String(r.method).Key("path").String(r.pattern);
    w.Key("permission").String(auth::PermissionName(r.permission));
    w.Key("anonymous").Bool(r.permission == auth::Permission::kAnonymous);
    w.Key("roles").BeginArray();
    for (auth::Role role : kRoles) {
      if (!auth::RoleGrants(role, r.permission)) continue;
      w.String(auth::RoleName(role));
      roles += (roles.empty() ? "" : ",") + std::string(auth::RoleName(role));
    }
    w.EndArray().EndObject();
    if (!json) {
      std::printf("%-6s  %-26s  %-12s  %s\n", std::string(r.method).c_str(),
                  std::string(r.pattern).c_str(),
                  std::string(auth::PermissionName(r.permission)).c_str(),
                  r.permission == auth::Permission::kAnonymous ? "(anyone)" : roles.c_str());
    }
  }
  w.EndArray();
  if (json) std::printf("%s\n", w.Take().c_str());
  return kExitOk;
}

}  // namespace

Command RegisterRoutes(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "routes",
      "List every HTTP route, the permission it needs and the roles that hold it. /metrics is\n"
      "also anonymous when auth.metrics_anonymous is set.");
  cmd->add_flag("--json", *json,
                "Print [{\"method\",\"path\",\"permission\",\"anonymous\",\"roles\"}]");
  return [json] { return PrintRoutes(*json); };
}

}  // namespace bastion::app
