#pragma once
// doctor --url https://...: which TLS versions and ciphers the server accepts, and whether its
// certificate is one a careful client trusts.
//
//   probe.tls          TLS 1.0 or 1.1 accepted, or a weak cipher (NULL, RC4, 3DES, DES,
//                      EXPORT, MD5) accepted: fail; CBC (non-AEAD) ciphers with TLS 1.2: warn
//   probe.certificate  the chain does not verify for the host: fail; expires within 14 days:
//                      warn
//
// For http:// URLs, probe.tls passes on loopback and fails on any other host (plaintext).
// The logic talks to a TlsProber, so tests can script the handshakes.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/duration.h"
#include "common/url.h"
#include "posture/certificate_info.h"
#include "posture/checklist.h"

namespace bastion::posture {

enum class TlsVersion { kTls10, kTls11, kTls12, kTls13 };

// "TLS 1.0" ... "TLS 1.3".
std::string_view TlsVersionName(TlsVersion version);

struct Handshake {
  bool connected = false;  // the TCP connection was made
  bool accepted = false;   // the TLS handshake completed
  bool untested = false;   // this client could not offer what was asked (its OpenSSL lacks it)
  std::string protocol;    // negotiated, e.g. "TLSv1.3"
  std::string cipher;      // negotiated, e.g. "TLS_AES_256_GCM_SHA384"
  std::string error;       // why not, when not accepted
};

struct PeerCertificate {
  bool connected = false;
  bool verified = false;  // the chain leads to a trusted CA and names the host dialled
  std::string error;      // e.g. "self-signed certificate"
  CertificateInfo info;
};

class TlsProber {
 public:
  virtual ~TlsProber() = default;
  // One handshake offering only `version` and, for TLS 1.2 and older, the OpenSSL cipher list
  // `ciphers` (empty: every cipher this OpenSSL has). Certificates are not checked here.
  virtual Handshake Try(TlsVersion version, const std::string& ciphers) = 0;
  // One handshake as a careful client makes it, reporting what it thought of the certificate.
  virtual PeerCertificate Certificate() = 0;
};

// Handshakes with OpenSSL on blocking sockets, each within `timeout`. `ca_file` empty: the
// system's CAs.
std::unique_ptr<TlsProber> NewOpenSslTlsProber(const Url& url, const std::string& ca_file,
                                               Millis timeout);

// Appends probe.tls and probe.certificate. False when no connection could be made at all
// (then nothing is appended).
bool ProbeTls(TlsProber& prober, int64_t now_ms, Checklist& out);

// probe.tls for an http:// URL.
void JudgePlaintext(const Url& url, Checklist& out);

}  // namespace bastion::posture
