// engine.isolation, network.egress and gateway.single: where the model runs, which hosts
// bastion connects to, and whether the engines can be reached without going through bastion.
#include <vector>

#include "posture/config_checks.h"
#include "posture/url_origin.h"
#include "sandbox/confine.h"

namespace bastion::posture {
namespace {

int PathModels(const Config& config) {
  int n = 0;
  for (const ModelConfig& m : config.models) n += m.path.empty() ? 0 : 1;
  return n;
}

void CheckIsolation(const Config& config, Checklist& out) {
  const int n = PathModels(config);
  const std::string models = n == 0 ? std::string("models served from files (none configured)")
                                    : std::to_string(n) + " model(s) served from files";
  if (config.engine.isolation == "none") {
    out.Fail("engine.isolation",
             "isolation = \"none\": " + models +
                 " would run inside the gateway, so a parser bug "
                 "in a model file runs with the gateway's keys and network",
             "set [engine] isolation = \"worker\"");
    return;
  }
  const std::string worker = "isolation = \"" + config.engine.isolation + "\": " + models +
                             " run in a separate bastion worker process per model";
  // The worker confines itself with what this kernel offers (sandbox/confine.h).
  const int landlock = sandbox::KernelLandlockAbi();
  if (landlock == 0 && n > 0) {
    out.Warn("engine.isolation",
             worker +
                 ", but this host's kernel has no Landlock: workers get seccomp and "
                 "rlimits, and can still read any file the service user can",
             "run on Linux 5.13 or later with landlock in the kernel's lsm= list");
    return;
  }
  out.Pass("engine.isolation", worker + " under seccomp and Landlock (this kernel: ABI " +
                                   std::to_string(landlock) + ")");
}

struct Destination {
  std::string what;  // "upstream of deepseek-r1", "JWKS", ...
  UrlOrigin origin;
};

std::vector<Destination> Destinations(const Config& config) {
  std::vector<Destination> d;
  for (const ModelConfig& m : config.models) {
    for (const UpstreamConfig& u : m.upstreams) {
      d.push_back({"upstream of " + m.name, OriginOf(u.url)});
    }
  }
  const AuthConfig& a = config.auth;
  if (!a.jwt.jwks_url.empty()) d.push_back({"JWKS", OriginOf(a.jwt.jwks_url)});
  if (!a.key_store_url.empty()) d.push_back({"key store", OriginOf(a.key_store_url)});
  if (!a.redis_url.empty()) d.push_back({"shared limits", OriginOf(a.redis_url)});
  if (!config.audit.store_url.empty()) {
    d.push_back({"audit store", OriginOf(config.audit.store_url)});
  }
  return d;
}

bool PlaintextToNetwork(const UrlOrigin& o) { return o.scheme == "http" && !o.loopback(); }

void CheckEgress(const Config& config, Checklist& out) {
  const std::vector<Destination> dests = Destinations(config);
  if (dests.empty()) {
    out.Pass("network.egress",
             "serve opens no outbound connection (no upstreams, JWKS URL or "
             "remote stores configured)");
    return;
  }
  std::string list;
  std::string plaintext;
  for (const Destination& d : dests) {
    list += (list.empty() ? "" : "; ") + d.what + " " + d.origin.ToString();
    if (d.what.starts_with("upstream") && PlaintextToNetwork(d.origin)) {
      plaintext += (plaintext.empty() ? "" : ", ") + d.origin.ToString();
    }
  }
  const std::string detail = "serve connects only to: " + list;
  if (!plaintext.empty()) {
    out.Warn("network.egress",
             detail + "; plaintext HTTP to network hosts (" + plaintext +
                 "): prompts and answers cross the network in the clear",
             "use https:// upstreams (ca_file for a private CA), or run the engine on this host");
    return;
  }
  out.Pass("network.egress", detail);
}

// An engine the gateway reaches over the network is one clients might reach too.
void CheckSingleGateway(const Config& config, Checklist& out) {
  std::string around;
  for (const ModelConfig& m : config.models) {
    for (const UpstreamConfig& u : m.upstreams) {
      const UrlOrigin o = OriginOf(u.url);
      if (o.loopback()) continue;
      if (o.scheme == "http") {
        around += (around.empty() ? "" : "; ") + m.name + " at " + o.ToString() + " (plaintext)";
      } else if (u.api_key_env.empty()) {
        around += (around.empty() ? "" : "; ") + m.name + " at " + o.ToString() +
                  " (bastion sends it no key)";
      }
    }
  }
  if (!around.empty()) {
    out.Warn("gateway.single",
             "engines reachable over the network, possibly around the gateway: " + around,
             "bind each engine to loopback or a private network only this gateway reaches, and "
             "give it an API key (api_key_env) over https");
    return;
  }
  out.Pass("gateway.single",
           "every model is served in-process or by an engine on loopback or "
           "behind https with its own key: clients reach models only through "
           "bastion");
}

}  // namespace

void CheckNetwork(const Config& config, Checklist& out) {
  CheckIsolation(config, out);
  CheckEgress(config, out);
  CheckSingleGateway(config, out);
}

}  // namespace bastion::posture
