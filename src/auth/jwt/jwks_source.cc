#include "auth/jwt/jwks_source.h"

#include <spdlog/spdlog.h>

#include "auth/jwt/jwks_fetch.h"
#include "common/url.h"
#include "http/client.h"

namespace bastion::auth {
namespace {

bool IsUrl(std::string_view location) {
  return location.starts_with("http://") || location.starts_with("https://");
}

Result<JwksLoader> MakeLoader(const JwksSourceOptions& options) {
  if (!IsUrl(options.location)) {
    return JwksLoader([path = options.location] { return ReadJwksFile(path); });
  }
  auto url = ParseUrl(options.location);
  if (!url.ok()) return url.status();
  std::shared_ptr<http::TlsClientContext> tls;
  if (url->scheme == "https") {
    auto created = http::TlsClientContext::Create(options.ca_file);
    if (!created.ok()) return created.status();
    tls = std::move(*created);
  }
  return JwksLoader([url = std::move(*url), tls, timeout = options.fetch_timeout] {
    return FetchJwksUrl(url, tls.get(), timeout);
  });
}

}  // namespace

Result<std::unique_ptr<JwksSource>> JwksSource::Open(const JwksSourceOptions& options) {
  auto loader = MakeLoader(options);
  if (!loader.ok()) return loader.status();
  return Start(std::move(*loader), options);
}

Result<std::unique_ptr<JwksSource>> JwksSource::Start(JwksLoader loader,
                                                      const JwksSourceOptions& options) {
  if (options.refresh_interval <= Millis(0)) {
    return Status::InvalidArgument("the key set refresh interval must be positive");
  }
  std::unique_ptr<JwksSource> source(new JwksSource(std::move(loader), options));
  if (Status s = source->Reload(); !s.ok()) return s;
  source->thread_ = std::thread([raw = source.get()] { raw->RefreshLoop(); });
  return source;
}

JwksSource::JwksSource(JwksLoader loader, const JwksSourceOptions& options)
    : loader_(std::move(loader)), options_(options) {}

JwksSource::~JwksSource() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const Jwks> JwksSource::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

Result<VerifiedJwt> JwksSource::Verify(std::string_view token, const JwtPolicy& policy,
                                       int64_t now_unix) {
  auto verified = VerifyJwt(token, *Current(), policy, now_unix);
  if (!verified.ok() && IsUnknownKeyIdError(verified.status())) RequestRefresh();
  return verified;
}

void JwksSource::RequestRefresh() {
  {
    std::lock_guard lock(mu_);
    const auto since = std::chrono::steady_clock::now() - last_load_start_;
    if (since < options_.min_refresh_interval) return;
    refresh_requested_ = true;
  }
  wake_.notify_all();
}

Status JwksSource::Reload() {
  {
    std::lock_guard lock(mu_);
    last_load_start_ = std::chrono::steady_clock::now();
  }
  auto text = loader_();
  auto parsed = text.ok() ? Jwks::Parse(*text) : Result<std::shared_ptr<const Jwks>>(text.status());
  std::lock_guard lock(mu_);
  if (!parsed.ok()) {
    if (current_) {
      spdlog::warn("reloading the JWT key set from {} failed, keeping the previous {} keys: {}",
                   options_.location, current_->size(), parsed.status().message());
    }
    return parsed.status();
  }
  current_ = std::move(*parsed);
  return Status::Ok();
}

void JwksSource::RefreshLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.refresh_interval,
                   [this] { return stopping_ || refresh_requested_; });
    if (stopping_) break;
    refresh_requested_ = false;
    lock.unlock();
    (void)Reload();  // a failure is logged and the previous set stays
    lock.lock();
  }
}

}  // namespace bastion::auth
