#pragma once
// Internal to posture: the checks that read the configuration, one function per group, each
// appending its items to the checklist. doctor.cc runs them in checklist order.

#include <vector>

#include "common/config.h"
#include "posture/checklist.h"
#include "posture/components.h"
#include "posture/posture_env.h"

namespace bastion::posture {

// config.valid: what `bastion serve` would say about the file (it refuses to start otherwise).
void CheckConfigValid(const Config& config, Checklist& out);
// server.exposure, server.tls (server_checks.cc).
void CheckServer(const Config& config, const PostureEnv& env, Checklist& out);
// auth.required, auth.roles (auth_checks.cc).
void CheckAuth(const Config& config, const KeyInventory& keys, Checklist& out);
// model.verified, model.version, model.license, model.format, model.remote_code, per model
// (model_checks.cc).
void CheckModels(const Config& config, Checklist& out);
// engine.isolation, network.egress, gateway.single (network_checks.cc).
void CheckNetwork(const Config& config, Checklist& out);
// audit.no_prompt_text, audit.retention (audit_checks.cc).
void CheckAudit(const Config& config, Checklist& out);
// guard.enabled, monitoring.alerts (guard_checks.cc).
void CheckGuard(const Config& config, Checklist& out);
// redteam.report (redteam_check.cc).
void CheckRedteamReport(const Config& config, const PostureEnv& env, Checklist& out);
// dependencies.versions (dependency_check.cc).
void CheckDependencies(const std::vector<Component>& components, Checklist& out);
// data.obligations (obligations_check.cc).
void CheckDataObligations(const Config& config, Checklist& out);

}  // namespace bastion::posture
