#include "posture/tls_probe.h"

#include <vector>

#include "common/host_port.h"

namespace bastion::posture {
namespace {

// Ciphers no server should accept: no encryption, no authentication, or broken primitives.
constexpr const char* kWeakCiphers = "eNULL:aNULL:RC4:3DES:DES:EXPORT:MD5:@SECLEVEL=0";
// Every non-AEAD (CBC) cipher: acceptable with care, but TLS 1.2 needs none of them.
constexpr const char* kCbcCiphers = "ALL:!AESGCM:!AESCCM:!CHACHA20:!ARIAGCM:!aNULL:@SECLEVEL=0";

constexpr int64_t kDayMs = 86'400'000;
constexpr TlsVersion kVersions[] = {TlsVersion::kTls10, TlsVersion::kTls11, TlsVersion::kTls12,
                                    TlsVersion::kTls13};

void Append(std::string& list, const std::string& item) {
  list += (list.empty() ? "" : ", ") + item;
}

struct VersionScan {
  bool connected = false;
  bool old_accepted = false;     // TLS 1.0 or 1.1
  bool legacy_accepted = false;  // anything below 1.3 (so cipher lists matter)
  std::string accepted, refused, untested;
};

VersionScan ScanVersions(TlsProber& prober) {
  VersionScan s;
  for (TlsVersion v : kVersions) {
    const Handshake h = prober.Try(v, "");
    const std::string name(TlsVersionName(v));
    s.connected |= h.connected;
    if (h.untested) {
      Append(s.untested, name);
    } else if (h.accepted) {
      Append(s.accepted, name + " (" + h.cipher + ")");
      s.old_accepted |= v == TlsVersion::kTls10 || v == TlsVersion::kTls11;
      s.legacy_accepted |= v != TlsVersion::kTls13;
    } else {
      Append(s.refused, name);
    }
  }
  return s;
}

std::string Describe(const VersionScan& s) {
  std::string d = "accepted: " + (s.accepted.empty() ? "none" : s.accepted);
  if (!s.refused.empty()) d += "; refused: " + s.refused;
  if (!s.untested.empty()) d += "; not tested (this OpenSSL cannot offer them): " + s.untested;
  return d;
}

void JudgeVersions(TlsProber& prober, const VersionScan& s, Checklist& out) {
  std::string detail = Describe(s);
  if (s.accepted.empty()) {
    return out.Fail("probe.tls", detail + ": no TLS handshake succeeded (plain HTTP on the port?)",
                    "serve TLS 1.2 or 1.3 on this port");
  }
  std::string failures, warnings;
  if (s.old_accepted) Append(failures, "TLS 1.0/1.1 accepted");
  if (s.legacy_accepted) {
    const Handshake weak = prober.Try(TlsVersion::kTls12, kWeakCiphers);
    if (weak.accepted) Append(failures, "weak cipher accepted with TLS 1.2: " + weak.cipher);
    const Handshake cbc = prober.Try(TlsVersion::kTls12, kCbcCiphers);
    if (cbc.accepted)
      Append(warnings, "CBC (non-AEAD) cipher accepted with TLS 1.2: " + cbc.cipher);
    if (!weak.accepted && !cbc.accepted) detail += "; no weak or CBC cipher accepted with TLS 1.2";
  }
  const char* fix =
      "offer TLS 1.2 with ECDHE and AEAD ciphers (AES-GCM, ChaCha20-Poly1305) and "
      "TLS 1.3 only, as [server.tls] does";
  if (!failures.empty()) {
    const std::string also = warnings.empty() ? "" : "; " + warnings;
    return out.Fail("probe.tls", detail + ": " + failures + also, fix);
  }
  if (!warnings.empty()) return out.Warn("probe.tls", detail + ": " + warnings, fix);
  out.Pass("probe.tls", detail);
}

void JudgeCertificate(const PeerCertificate& c, int64_t now_ms, Checklist& out) {
  const std::string what =
      c.info.subject.empty() ? std::string("the certificate") : "certificate " + c.info.subject;
  if (!c.verified) {
    return out.Fail("probe.certificate", what + " does not verify: " + c.error,
                    "serve a certificate from a CA your clients trust, valid for this host name "
                    "or address (for a private CA, pass it to doctor with --ca-file)");
  }
  const std::string detail =
      what + ", trusted for this host, valid until " + FormatDate(c.info.not_after_ms);
  const int64_t days_left = (c.info.not_after_ms - now_ms) / kDayMs;
  if (days_left < 14) {
    return out.Warn("probe.certificate", detail + " (" + std::to_string(days_left) + " days left)",
                    "renew the certificate");
  }
  out.Pass("probe.certificate", detail);
}

}  // namespace

std::string_view TlsVersionName(TlsVersion version) {
  switch (version) {
    case TlsVersion::kTls10:
      return "TLS 1.0";
    case TlsVersion::kTls11:
      return "TLS 1.1";
    case TlsVersion::kTls12:
      return "TLS 1.2";
    case TlsVersion::kTls13:
      return "TLS 1.3";
  }
  return "TLS";
}

bool ProbeTls(TlsProber& prober, int64_t now_ms, Checklist& out) {
  const VersionScan scan = ScanVersions(prober);
  if (!scan.connected) return false;
  JudgeVersions(prober, scan, out);
  if (!scan.accepted.empty()) JudgeCertificate(prober.Certificate(), now_ms, out);
  return true;
}

void JudgePlaintext(const Url& url, Checklist& out) {
  if (IsLoopbackHost(url.host)) {
    out.Pass("probe.tls", "plain HTTP to " + url.Authority() + ", which loopback does not need");
    return;
  }
  out.Fail("probe.tls",
           "plain HTTP to " + url.Authority() +
               ": prompts, answers and keys cross the network "
               "in the clear",
           "serve https ([server.tls]) or put a TLS proxy in front, and probe the https URL");
}

}  // namespace bastion::posture
