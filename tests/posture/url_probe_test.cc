// doctor --url's judgements, on scripted answers: routes, metrics, admin, headers, TLS.
#include "posture/url_probe.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "posture/doctor.h"
#include "posture/tls_probe.h"

namespace bastion::posture {
namespace {

class FakeTransport : public ProbeTransport {
 public:
  int status = 401;                     // the answer to anything not scripted
  std::map<std::string, int> statuses;  // "GET /metrics" -> 200
  std::string server;
  bool down = false;
  std::vector<std::string> sent;  // "POST /v1/chat/completions {...}"

  Result<ProbeResponse> Send(const std::string& method, const std::string& path,
                             const std::string& body) override {
    sent.push_back(method + " " + path + " " + body);
    if (down) return Status::Unavailable("connect to 127.0.0.1:9: Connection refused");
    ProbeResponse r;
    auto it = statuses.find(method + " " + path);
    r.status = path == "/healthz" ? 200 : it != statuses.end() ? it->second : status;
    r.server = server;
    if (path == "/v1/models" && r.status == 200) r.body = R"({"data":[{"id":"real-model"}]})";
    return r;
  }
};

Url ParsedUrl(const std::string& text) { return *ParseUrl(text); }

const CheckItem& Get(const Checklist& list, const std::string& id) {
  static const CheckItem kMissing{"missing", CheckStatus::kFail, "", ""};
  const CheckItem* item = list.Find(id);
  EXPECT_NE(item, nullptr) << id;
  return item ? *item : kMissing;
}

TEST(UrlProbeTest, AProtectedServerPasses) {
  FakeTransport t;
  Checklist out;
  EXPECT_TRUE(ProbeRoutes(ParsedUrl("http://127.0.0.1:8080"), t, out));
  for (const CheckItem& item : out.items()) {
    EXPECT_EQ(item.status, CheckStatus::kPass) << item.id << ": " << item.detail;
  }
  EXPECT_NE(Get(out, "probe.routes").detail.find("POST /v1/chat/completions 401"),
            std::string::npos);
}

TEST(UrlProbeTest, AnOpenServerFailsAndIsAskedForARealModel) {
  FakeTransport t;
  t.status = 200;
  Checklist out;
  ProbeRoutes(ParsedUrl("http://127.0.0.1:8080"), t, out);
  EXPECT_EQ(Get(out, "probe.routes").status, CheckStatus::kFail);
  EXPECT_EQ(Get(out, "probe.admin").status, CheckStatus::kFail);
  EXPECT_EQ(Get(out, "probe.metrics").status, CheckStatus::kWarn);  // loopback
  bool asked = false;
  for (const std::string& s : t.sent)
    asked |= s.find("\"model\":\"real-model\"") != std::string::npos;
  EXPECT_TRUE(asked);
  for (const std::string& s : t.sent) {
    EXPECT_FALSE(s.starts_with("DELETE") || s.starts_with("POST /admin")) << s;  // no state change
  }
}

TEST(UrlProbeTest, AnonymousMetricsFailOnANetworkHost) {
  FakeTransport t;
  t.statuses["GET /metrics"] = 200;
  Checklist loopback, network;
  ProbeRoutes(ParsedUrl("http://127.0.0.1:8080"), t, loopback);
  ProbeRoutes(ParsedUrl("http://10.1.2.3:8080"), t, network);
  EXPECT_EQ(Get(loopback, "probe.metrics").status, CheckStatus::kWarn);
  EXPECT_EQ(Get(network, "probe.metrics").status, CheckStatus::kFail);
  EXPECT_EQ(Get(network, "probe.routes").status, CheckStatus::kPass);
}

TEST(UrlProbeTest, OddAnswersWarn) {
  FakeTransport t;
  t.statuses["POST /v1/completions"] = 400;
  t.statuses["GET /readyz"] = 404;  // not served: fine
  Checklist out;
  ProbeRoutes(ParsedUrl("http://127.0.0.1:8080"), t, out);
  EXPECT_EQ(Get(out, "probe.routes").status, CheckStatus::kWarn);
  EXPECT_NE(Get(out, "probe.routes").detail.find("POST /v1/completions"), std::string::npos);
}

TEST(UrlProbeTest, VersionsInHeadersWarn) {
  FakeTransport t;
  t.server = "nginx/1.22.1";
  Checklist out;
  ProbeRoutes(ParsedUrl("http://127.0.0.1:8080"), t, out);
  const CheckItem& headers = Get(out, "probe.headers");
  EXPECT_EQ(headers.status, CheckStatus::kWarn);
  EXPECT_NE(headers.detail.find("Server: nginx/1.22.1"), std::string::npos);
  t.server = "nginx";
  Checklist quiet;
  ProbeRoutes(ParsedUrl("http://127.0.0.1:8080"), t, quiet);
  EXPECT_EQ(Get(quiet, "probe.headers").status, CheckStatus::kPass);
}

TEST(UrlProbeTest, AnUnreachableServerIsOneFailedItem) {
  FakeTransport t;
  t.down = true;
  Checklist out;
  ProbeServer(ParsedUrl("http://10.1.2.3:8080"), t, nullptr, 0, out);
  ASSERT_EQ(out.items().size(), 1u);
  EXPECT_EQ(out.items()[0].id, "probe.reachable");
  EXPECT_EQ(out.items()[0].status, CheckStatus::kFail);
}

TEST(UrlProbeTest, PlaintextToANetworkHostFails) {
  FakeTransport t;
  Checklist network, loopback;
  ProbeServer(ParsedUrl("http://10.1.2.3:8080"), t, nullptr, 0, network);
  ProbeServer(ParsedUrl("http://[::1]:8080"), t, nullptr, 0, loopback);
  EXPECT_EQ(Get(network, "probe.tls").status, CheckStatus::kFail);
  EXPECT_EQ(Get(loopback, "probe.tls").status, CheckStatus::kPass);
}

// Scripted handshakes: which versions the "server" takes, and whether it takes weak or CBC
// cipher lists.
class FakeTlsProber : public TlsProber {
 public:
  std::set<TlsVersion> versions = {TlsVersion::kTls12, TlsVersion::kTls13};
  bool weak = false;
  bool cbc = false;
  bool reachable = true;
  PeerCertificate peer{true, true, "", {"CN=gateway.test", 1'900'000'000'000}};

  Handshake Try(TlsVersion v, const std::string& ciphers) override {
    Handshake h;
    h.connected = reachable;
    const bool weak_list = ciphers.find("eNULL") != std::string::npos;
    const bool cbc_list = ciphers.find("!AESGCM") != std::string::npos;
    h.accepted = reachable && versions.count(v) && (!weak_list || weak) && (!cbc_list || cbc);
    h.cipher = weak_list ? "NULL-SHA" : cbc_list ? "ECDHE-RSA-AES128-SHA" : "AES-GCM";
    return h;
  }
  PeerCertificate Certificate() override { return peer; }
};

TEST(TlsProbeTest, ModernTlsPasses) {
  FakeTlsProber p;
  Checklist out;
  EXPECT_TRUE(ProbeTls(p, 1'800'000'000'000, out));
  EXPECT_EQ(Get(out, "probe.tls").status, CheckStatus::kPass);
  EXPECT_NE(Get(out, "probe.tls").detail.find("refused: TLS 1.0, TLS 1.1"), std::string::npos);
  EXPECT_EQ(Get(out, "probe.certificate").status, CheckStatus::kPass);
}

TEST(TlsProbeTest, OldVersionsAndWeakCiphersFailCbcWarns) {
  FakeTlsProber old;
  old.versions.insert(TlsVersion::kTls10);
  Checklist a;
  ProbeTls(old, 0, a);
  EXPECT_EQ(Get(a, "probe.tls").status, CheckStatus::kFail);
  EXPECT_NE(Get(a, "probe.tls").detail.find("TLS 1.0/1.1 accepted"), std::string::npos);

  FakeTlsProber weak;
  weak.weak = true;
  Checklist b;
  ProbeTls(weak, 0, b);
  EXPECT_EQ(Get(b, "probe.tls").status, CheckStatus::kFail);
  EXPECT_NE(Get(b, "probe.tls").detail.find("NULL-SHA"), std::string::npos);

  FakeTlsProber cbc;
  cbc.cbc = true;
  Checklist c;
  ProbeTls(cbc, 0, c);
  EXPECT_EQ(Get(c, "probe.tls").status, CheckStatus::kWarn);

  FakeTlsProber only13;
  only13.versions = {TlsVersion::kTls13};
  only13.weak = only13.cbc = true;  // never asked: TLS 1.2 is refused
  Checklist d;
  ProbeTls(only13, 0, d);
  EXPECT_EQ(Get(d, "probe.tls").status, CheckStatus::kPass);
}

TEST(TlsProbeTest, UntrustedCertificatesFailExpiringOnesWarn) {
  FakeTlsProber p;
  p.peer = {true, false, "self-signed certificate", {"CN=x", 1'900'000'000'000}};
  Checklist a;
  ProbeTls(p, 1'800'000'000'000, a);
  EXPECT_EQ(Get(a, "probe.certificate").status, CheckStatus::kFail);
  EXPECT_NE(Get(a, "probe.certificate").fix.find("--ca-file"), std::string::npos);
  p.peer = {true, true, "", {"CN=x", 1'800'000'000'000 + 86'400'000}};
  Checklist b;
  ProbeTls(p, 1'800'000'000'000, b);
  EXPECT_EQ(Get(b, "probe.certificate").status, CheckStatus::kWarn);
}

TEST(TlsProbeTest, NothingListeningMeansUnreachable) {
  FakeTlsProber p;
  p.reachable = false;
  FakeTransport t;
  Checklist out;
  ProbeServer(ParsedUrl("https://127.0.0.1:9"), t, &p, 0, out);
  ASSERT_EQ(out.items().size(), 1u);
  EXPECT_EQ(out.items()[0].id, "probe.reachable");
  EXPECT_EQ(out.items()[0].status, CheckStatus::kFail);
}

}  // namespace
}  // namespace bastion::posture
