#include "posture/url_probe.h"

#include <simdjson.h>

#include <vector>

#include "common/host_port.h"
#include "common/json_writer.h"

namespace bastion::posture {
namespace {

enum class Exposure { kProtected, kNotServed, kExposed, kUnclear };

Exposure Judge(int status) {
  if (status == 401 || status == 403) return Exposure::kProtected;
  if (status >= 200 && status < 300) return Exposure::kExposed;
  if (status == 404 || status == 405 || status == 501) return Exposure::kNotServed;
  return Exposure::kUnclear;
}

struct Probe {
  std::string method;
  std::string path;
  Result<ProbeResponse> response = Status::Internal("not sent");

  std::string Line() const {
    const std::string answer = response.ok() ? std::to_string(response->status)
                                             : "no answer (" + response.status().message() + ")";
    return method + " " + path + " " + answer;
  }
};

Probe Send(ProbeTransport& t, std::string method, std::string path, const std::string& body = "") {
  Probe p{std::move(method), std::move(path)};
  p.response = t.Send(p.method, p.path, body);
  return p;
}

// The first model /v1/models lists, when it answered without a key: the chat probe then asks
// for a model the server has, so an open server cannot hide behind a 404 for an unknown one.
std::string FirstModel(const Probe& models) {
  if (!models.response.ok() || Judge(models.response->status) != Exposure::kExposed) {
    return "doctor-probe";
  }
  simdjson::dom::parser parser;
  std::string_view id;
  if (parser.parse(models.response->body).at_pointer("/data/0/id").get(id)) return "doctor-probe";
  return std::string(id);
}

// One token of a real request, so a server without authentication answers 200.
std::string ChatBody(const std::string& model) {
  JsonWriter w;
  w.BeginObject().Key("model").String(model).Key("max_tokens").Int(1);
  w.Key("messages").BeginArray().BeginObject().Key("role").String("user");
  w.Key("content").String("bastion doctor probe").EndObject().EndArray().EndObject();
  return w.Take();
}

std::string CompletionBody(const std::string& model) {
  JsonWriter w;
  w.BeginObject().Key("model").String(model).Key("max_tokens").Int(1);
  w.Key("prompt").String("bastion doctor probe").EndObject();
  return w.Take();
}

void JudgeRoutes(const std::vector<Probe>& probes, Checklist& out) {
  std::string lines, exposed, unclear;
  for (const Probe& p : probes) {
    lines += (lines.empty() ? "" : ", ") + p.Line();
    const Exposure e = p.response.ok() ? Judge(p.response->status) : Exposure::kUnclear;
    if (e == Exposure::kExposed) exposed += (exposed.empty() ? "" : ", ") + p.method + " " + p.path;
    if (e == Exposure::kUnclear) unclear += (unclear.empty() ? "" : ", ") + p.method + " " + p.path;
  }
  if (!exposed.empty()) {
    return out.Fail("probe.routes", "answered without credentials: " + exposed + " (" + lines + ")",
                    "remove server.insecure_no_auth / --insecure-no-auth (or put authentication "
                    "in front of this server)");
  }
  if (!unclear.empty()) {
    return out.Warn(
        "probe.routes",
        "neither refused nor served without credentials: " + unclear + " (" + lines + ")",
        "check these routes by hand: without a key they should answer 401");
  }
  out.Pass("probe.routes", "every route refuses a request without credentials (" + lines + ")");
}

void JudgeMetrics(const Url& url, const Probe& p, Checklist& out) {
  const Exposure e = p.response.ok() ? Judge(p.response->status) : Exposure::kUnclear;
  const char* fix =
      "give Prometheus an operator key and remove auth.metrics_anonymous (docs/monitoring.md)";
  if (e == Exposure::kExposed && IsLoopbackHost(url.host)) {
    return out.Warn("probe.metrics",
                    p.Line() + ": metrics readable without credentials (loopback only)", fix);
  }
  if (e == Exposure::kExposed) {
    return out.Fail("probe.metrics",
                    p.Line() +
                        ": metrics readable from the network without credentials "
                        "(model names, traffic, guard counts)",
                    fix);
  }
  if (e == Exposure::kUnclear) {
    return out.Warn("probe.metrics", p.Line() + ": neither refused nor served",
                    "check /metrics by hand");
  }
  out.Pass("probe.metrics",
           p.Line() + (e == Exposure::kNotServed ? ": not served" : ": needs a credential"));
}

void JudgeAdmin(const Probe& p, Checklist& out) {
  const Exposure e = p.response.ok() ? Judge(p.response->status) : Exposure::kUnclear;
  if (e == Exposure::kExposed) {
    return out.Fail("probe.admin", p.Line() + ": the key list answers without credentials",
                    "remove server.insecure_no_auth / --insecure-no-auth");
  }
  if (e == Exposure::kUnclear) {
    return out.Warn("probe.admin", p.Line() + ": neither refused nor served",
                    "check /admin/keys by hand: without a key it should answer 401");
  }
  out.Pass("probe.admin",
           p.Line() + (e == Exposure::kNotServed ? ": not served" : ": needs a credential"));
}

// A digit in Server or X-Powered-By: "nginx/1.22.1", "Boost.Beast/322", "PHP/8.2.7".
void JudgeHeaders(const std::vector<Probe>& probes, Checklist& out) {
  std::string leaks;
  for (const Probe& p : probes) {
    if (!p.response.ok()) continue;
    for (const auto& [name, value] :
         {std::pair<std::string, std::string>{"Server", p.response->server},
          {"X-Powered-By", p.response->powered_by}}) {
      if (value.find_first_of("0123456789") == std::string::npos) continue;
      const std::string leak = name + ": " + value;
      if (leaks.find(leak) == std::string::npos) leaks += (leaks.empty() ? "" : ", ") + leak;
    }
  }
  if (!leaks.empty()) {
    return out.Warn("probe.headers", "headers name software versions: " + leaks,
                    "drop the version from these headers (nginx: server_tokens off; remove "
                    "X-Powered-By) so scanners cannot match it against advisories");
  }
  out.Pass("probe.headers", "no Server or X-Powered-By header names a version");
}

}  // namespace

bool ProbeRoutes(const Url& url, ProbeTransport& transport, Checklist& out) {
  const Probe health = Send(transport, "GET", "/healthz");
  if (!health.response.ok()) {
    out.Fail("probe.reachable", health.Line(),
             "check the URL and that the server runs; for https with a private CA, pass "
             "--ca-file");
    return false;
  }
  out.Pass("probe.reachable", health.Line());
  std::vector<Probe> routes;
  routes.push_back(Send(transport, "GET", "/v1/models"));
  const std::string model = FirstModel(routes[0]);
  routes.push_back(Send(transport, "POST", "/v1/chat/completions", ChatBody(model)));
  routes.push_back(Send(transport, "POST", "/v1/completions", CompletionBody(model)));
  routes.push_back(Send(transport, "GET", "/readyz"));
  JudgeRoutes(routes, out);
  const Probe metrics = Send(transport, "GET", "/metrics");
  JudgeMetrics(url, metrics, out);
  const Probe admin = Send(transport, "GET", "/admin/keys");
  JudgeAdmin(admin, out);
  routes.insert(routes.end(), {health, metrics, admin});
  JudgeHeaders(routes, out);
  return true;
}

}  // namespace bastion::posture
