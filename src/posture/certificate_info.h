#pragma once
// What doctor needs to know about a TLS certificate: whom it names and until when it is valid.

#include <openssl/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::posture {

struct CertificateInfo {
  std::string subject;       // one line, e.g. "CN=gateway.example.com"
  int64_t not_after_ms = 0;  // Unix milliseconds
};

// The first certificate of a PEM chain. InvalidArgument when there is none.
Result<CertificateInfo> ReadPemCertificate(std::string_view pem);
// Whether `key_pem` holds the private key of the first certificate in `cert_pem`.
// InvalidArgument when the key does not parse (e.g. it is encrypted).
Result<bool> KeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem);
// From a certificate already parsed (e.g. a server's, after a handshake).
CertificateInfo DescribeCertificate(X509* cert);

// "2027-01-31" for Unix milliseconds.
std::string FormatDate(int64_t unix_ms);

}  // namespace bastion::posture
