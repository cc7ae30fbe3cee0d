// server.exposure and server.tls: who can reach the listener, and how well TLS protects it.
#include "common/host_port.h"
#include "posture/certificate_info.h"
#include "posture/config_checks.h"

namespace bastion::posture {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kExpiryWarningDays = 14;

const char* kTlsFix =
    "set [server.tls] cert_file and key_file, or listen on 127.0.0.1 behind the TLS proxy";

void CheckExposure(const ServerConfig& s, Checklist& out) {
  auto listen = ParseHostPort(s.listen);
  if (!listen.ok()) {
    out.Fail("server.exposure", listen.status().message(), "set [server] listen = \"HOST:PORT\"");
    return;
  }
  if (IsLoopbackHost(listen->host)) {
    out.Pass("server.exposure", "listens on " + s.listen +
                                    ": loopback only, not reachable from "
                                    "the network");
    return;
  }
  const std::string where = "listens on " + s.listen + ", reachable from the network";
  if (s.insecure_no_auth) {
    out.Fail("server.exposure", where + ", without authentication (serve refuses to start)",
             "remove server.insecure_no_auth, or listen on 127.0.0.1");
  } else if (s.tls.enabled()) {
    out.Pass("server.exposure", where + ", over TLS, every route but /healthz behind a credential");
  } else if (s.allow_public_plaintext) {
    out.Fail("server.exposure",
             where +
                 " in plaintext (allow_public_plaintext): prompts, answers and API keys "
                 "cross the network in the clear unless a TLS proxy sits in front",
             kTlsFix);
  } else {
    out.Fail("server.exposure", where + " without TLS (serve refuses to start)", kTlsFix);
  }
}

std::string VersionsOffered(const TlsConfig& tls) {
  return tls.min_version == "1.3" ? "TLS 1.3 only"
                                  : "TLS 1.2 and 1.3 (1.2 with ECDHE and AEAD ciphers only)";
}

// Reads the certificate and key the way serve will, and judges the certificate's dates.
void CheckTlsFiles(const TlsConfig& tls, const PostureEnv& env, Checklist& out) {
  const char* fix = "point [server.tls] cert_file and key_file at a readable PEM chain and key";
  auto cert = env.ReadFile(tls.cert_file);
  if (!cert.ok()) return out.Fail("server.tls", "certificate: " + cert.status().message(), fix);
  auto key = env.ReadFile(tls.key_file);
  if (!key.ok()) return out.Fail("server.tls", "private key: " + key.status().message(), fix);
  auto info = ReadPemCertificate(*cert);
  if (!info.ok()) {
    return out.Fail("server.tls", tls.cert_file + ": " + info.status().message(), fix);
  }
  auto matches = KeyMatchesCertificate(*cert, *key);
  if (!matches.ok() || !*matches) {
    return out.Fail(
        "server.tls",
        tls.key_file + ": " +
            (matches.ok() ? "not the key of " + tls.cert_file : matches.status().message()),
        fix);
  }
  const int64_t days_left = (info->not_after_ms - env.NowUnixMs()) / kDayMs;
  const std::string detail = VersionsOffered(tls) + "; certificate " + info->subject +
                             ", valid until " + FormatDate(info->not_after_ms);
  if (info->not_after_ms <= env.NowUnixMs()) {
    out.Fail("server.tls", detail + ": expired", "renew the certificate");
  } else if (days_left < kExpiryWarningDays) {
    out.Warn("server.tls", detail + " (" + std::to_string(days_left) + " days left)",
             "renew the certificate");
  } else {
    out.Pass("server.tls", detail);
  }
}

void CheckTls(const ServerConfig& s, const PostureEnv& env, Checklist& out) {
  if (s.tls.enabled()) return CheckTlsFiles(s.tls, env, out);
  auto listen = ParseHostPort(s.listen);
  if (listen.ok() && IsLoopbackHost(listen->host)) {
    out.Pass("server.tls", "no TLS, which loopback does not need");
    return;
  }
  out.Warn("server.tls",
           "no TLS on a network address; a TLS proxy in front is invisible from the config: "
           "check it with `bastion doctor --url https://...`",
           kTlsFix);
}

}  // namespace

void CheckServer(const Config& config, const PostureEnv& env, Checklist& out) {
  CheckExposure(config.server, out);
  CheckTls(config.server, env, out);
}

}  // namespace bastion::posture
