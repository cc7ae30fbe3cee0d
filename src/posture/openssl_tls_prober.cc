// The TlsProber doctor uses: OpenSSL on a blocking socket, one connection per handshake.
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "posture/tls_probe.h"

namespace bastion::posture {
namespace {

struct FreeCtx {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct FreeSsl {
  void operator()(SSL* s) const { SSL_free(s); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, FreeCtx>;
using SslPtr = std::unique_ptr<SSL, FreeSsl>;

class Socket {
 public:
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

  // Connects to the first address of `host` that answers within `timeout`.
  bool Connect(const std::string& host, uint16_t port, Millis timeout, std::string& error) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc) {
      error = std::string("cannot resolve ") + host + ": " + gai_strerror(rc);
      return false;
    }
    for (addrinfo* a = found; a != nullptr && fd_ < 0; a = a->ai_next)
      TryAddress(*a, timeout, error);
    freeaddrinfo(found);
    return fd_ >= 0;
  }

 private:
  void TryAddress(const addrinfo& a, Millis timeout, std::string& error) {
    const int fd = ::socket(a.ai_family, a.ai_socktype | SOCK_CLOEXEC, a.ai_protocol);
    if (fd < 0) return;
    ::fcntl(fd, F_SETFL, O_NONBLOCK);
    int rc = ::connect(fd, a.ai_addr, a.ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int soerr = ETIMEDOUT;
      socklen_t len = sizeof soerr;
      if (::poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
      }
      rc = soerr == 0 ? 0 : -1;
      errno = soerr;
    }
    if (rc != 0) {
      error = std::string("cannot connect: ") + std::strerror(errno);
      ::close(fd);
      return;
    }
    ::fcntl(fd, F_SETFL, 0);
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    fd_ = fd;
  }

  int fd_ = -1;
};

int ProtocolOf(TlsVersion v) {
  switch (v) {
    case TlsVersion::kTls10:
      return TLS1_VERSION;
    case TlsVersion::kTls11:
      return TLS1_1_VERSION;
    case TlsVersion::kTls12:
      return TLS1_2_VERSION;
    case TlsVersion::kTls13:
      return TLS1_3_VERSION;
  }
  return TLS1_3_VERSION;
}

std::string OpenSslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "the server closed the connection";
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : "handshake failed";
}

class OpenSslTlsProber : public TlsProber {
 public:
  OpenSslTlsProber(Url url, std::string ca_file, Millis timeout)
      : url_(std::move(url)), ca_file_(std::move(ca_file)), timeout_(timeout) {}

  Handshake Try(TlsVersion version, const std::string& ciphers) override {
    Handshake h;
    CtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    // Old protocols and weak ciphers are what is being asked about: offer them.
    SSL_CTX_set_security_level(ctx.get(), 0);
    const int protocol = ProtocolOf(version);
    SSL_CTX_set_min_proto_version(ctx.get(), protocol);
    SSL_CTX_set_max_proto_version(ctx.get(), protocol);
    if (protocol != TLS1_3_VERSION &&
        SSL_CTX_set_cipher_list(ctx.get(), ciphers.empty() ? "ALL:@SECLEVEL=0" : ciphers.c_str()) !=
            1) {
      h.untested = true;
      h.error = OpenSslError();
      return h;
    }
    SslPtr ssl = Connect(ctx.get(), h.connected, h.error);
    if (!ssl) return h;
    h.accepted = true;
    h.protocol = SSL_get_version(ssl.get());
    h.cipher = SSL_get_cipher_name(ssl.get());
    return h;
  }

  PeerCertificate Certificate() override {
    PeerCertificate c;
    CtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    const int loaded = ca_file_.empty()
                           ? SSL_CTX_set_default_verify_paths(ctx.get())
                           : SSL_CTX_load_verify_locations(ctx.get(), ca_file_.c_str(), nullptr);
    if (loaded != 1) {
      c.error = "cannot load CA certificates" + (ca_file_.empty() ? "" : " from " + ca_file_);
      return c;
    }
    // Verified after the handshake (SSL_get_verify_result), so the reason can be reported.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    SslPtr ssl = Connect(ctx.get(), c.connected, c.error, /*expect_host=*/true);
    if (!ssl) return c;
    if (X509* peer = SSL_get1_peer_certificate(ssl.get())) {
      c.info = DescribeCertificate(peer);
      X509_free(peer);
    }
    const long result = SSL_get_verify_result(ssl.get());
    c.verified = result == X509_V_OK;
    if (!c.verified) c.error = X509_verify_cert_error_string(result);
    return c;
  }

 private:
  // Connects and completes a handshake; null (with `error`) when it cannot.
  SslPtr Connect(SSL_CTX* ctx, bool& connected, std::string& error, bool expect_host = false) {
    Socket socket;
    if (!socket.Connect(url_.host, url_.port, timeout_, error)) return nullptr;
    connected = true;
    SslPtr ssl(SSL_new(ctx));
    const bool ip = IsIpLiteral(url_.host);
    if (!ip) SSL_set_tlsext_host_name(ssl.get(), url_.host.c_str());
    if (expect_host) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
      if (ip) {
        X509_VERIFY_PARAM_set1_ip_asc(param, url_.host.c_str());
      } else {
        X509_VERIFY_PARAM_set1_host(param, url_.host.c_str(), 0);
      }
    }
    SSL_set_fd(ssl.get(), socket.fd());
    const bool done = SSL_connect(ssl.get()) == 1;
    if (!done) {
      error = OpenSslError();
      return nullptr;
    }
    SSL_shutdown(ssl.get());
    return ssl;
  }

  static bool IsIpLiteral(const std::string& host) {
    return host.find(':') != std::string::npos ||
           host.find_first_not_of("0123456789.") == std::string::npos;
  }

  Url url_;
  std::string ca_file_;
  Millis timeout_;
};

}  // namespace

std::unique_ptr<TlsProber> NewOpenSslTlsProber(const Url& url, const std::string& ca_file,
                                               Millis timeout) {
  return std::make_unique<OpenSslTlsProber>(url, ca_file, timeout);
}

}  // namespace bastion::posture
