#include "posture/doctor.h"

#include "posture/config_checks.h"

namespace bastion::posture {

void CheckConfigValid(const Config& config, Checklist& out) {
  if (Status st = ValidateConfig(config); !st.ok()) {
    out.Fail("config.valid", "bastion serve would refuse to start: " + st.message(),
             "fix the configuration (`bastion serve --check --config FILE` says the same)");
    return;
  }
  const size_t n = config.models.size();
  out.Pass("config.valid", "bastion serve would accept it (" + std::to_string(n) +
                               (n == 1 ? " model)" : " models)"));
}

Checklist CheckConfig(const Config& config, const PostureEnv& env) {
  Checklist out;
  CheckConfigValid(config, out);
  CheckServer(config, env, out);
  CheckAuth(config, env.Keys(config), out);
  CheckModels(config, out);
  CheckNetwork(config, out);
  CheckAudit(config, out);
  CheckGuard(config, out);
  CheckRedteamReport(config, env, out);
  CheckDependencies(LinkedComponents(), out);
  CheckDataObligations(config, out);
  return out;
}

void ProbeServer(const Url& url, ProbeTransport& transport, TlsProber* tls, int64_t now_ms,
                 Checklist& out) {
  if (url.scheme == "https" && tls != nullptr) {
    if (!ProbeTls(*tls, now_ms, out)) {
      out.Fail("probe.reachable", "cannot connect to " + url.Authority(),
               "check the URL and that the server runs");
      return;
    }
  }
  if (ProbeRoutes(url, transport, out) && url.scheme == "http") JudgePlaintext(url, out);
}

}  // namespace bastion::posture
