#include "posture/certificate_info.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>

namespace bastion::posture {
namespace {

struct FreeBio {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct FreeX509 {
  void operator()(X509* x) const { X509_free(x); }
};
struct FreeKey {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// Never asks for a passphrase on the terminal: an encrypted key simply does not parse.
int NoPassphrase(char*, int, int, void*) { return 0; }

std::unique_ptr<BIO, FreeBio> MemoryBio(std::string_view pem) {
  return std::unique_ptr<BIO, FreeBio>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::unique_ptr<X509, FreeX509> ParseCertificate(std::string_view pem) {
  auto bio = MemoryBio(pem);
  return std::unique_ptr<X509, FreeX509>(
      bio ? PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr) : nullptr);
}

std::string SubjectLine(X509* cert) {
  auto bio = std::unique_ptr<BIO, FreeBio>(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

}  // namespace

CertificateInfo DescribeCertificate(X509* cert) {
  CertificateInfo info;
  info.subject = SubjectLine(cert);
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1) {
    info.not_after_ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  }
  return info;
}

Result<CertificateInfo> ReadPemCertificate(std::string_view pem) {
  auto cert = ParseCertificate(pem);
  if (!cert) return Status::InvalidArgument("no PEM certificate in it");
  return DescribeCertificate(cert.get());
}

Result<bool> KeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem) {
  auto cert = ParseCertificate(cert_pem);
  if (!cert) return Status::InvalidArgument("no PEM certificate in it");
  auto bio = MemoryBio(key_pem);
  std::unique_ptr<EVP_PKEY, FreeKey> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr) : nullptr);
  if (!key) return Status::InvalidArgument("no unencrypted PEM private key in it");
  const bool matches = X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  return matches;
}

std::string FormatDate(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

}  // namespace bastion::posture
