#pragma once
// The identity provider's current key set, kept fresh: loaded at start (failure is an error),
// then reloaded on a background thread every refresh interval, and early (at most once per
// min_refresh_interval) when a token names a kid the set does not hold, as happens right
// after the provider rotates its keys. A failed reload keeps the previous set and logs a
// warning.
//
// Thread-safe: Current(), Verify() and RequestRefresh() may be called from any thread.
// The destructor stops and joins the refresh thread.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "auth/jwt/jwt_verifier.h"
#include "common/duration.h"
#include "common/status.h"

namespace bastion::auth {

struct JwksSourceOptions {
  // A file path, or an https URL (plain http only to loopback hosts).
  std::string location;
  std::string ca_file;  // for https; empty: the system's CA store
  Millis refresh_interval{5 * 60 * 1000};
  Millis min_refresh_interval{30 * 1000};  // between early reloads for unknown kids
  Millis fetch_timeout{10 * 1000};         // connect, and each read
};

// Returns the key set's JSON; called on the refresh thread (and once by Start's caller).
using JwksLoader = std::function<Result<std::string>()>;

class JwksSource {
 public:
  // Loads from options.location.
  static Result<std::unique_ptr<JwksSource>> Open(const JwksSourceOptions& options);
  // Loads with any loader (tests, other transports); `options.location` is only a name for logs.
  static Result<std::unique_ptr<JwksSource>> Start(JwksLoader loader,
                                                   const JwksSourceOptions& options);
  ~JwksSource();
  JwksSource(const JwksSource&) = delete;
  JwksSource& operator=(const JwksSource&) = delete;

  // Never null. The set stays valid as long as the caller holds it, across reloads.
  std::shared_ptr<const Jwks> Current() const;

  // VerifyJwt against Current(); an unknown kid also requests an early reload (the token
  // itself is still refused: the caller's client retries after the reload).
  Result<VerifiedJwt> Verify(std::string_view token, const JwtPolicy& policy, int64_t now_unix);

  // Wakes the refresh thread unless a load started within min_refresh_interval.
  void RequestRefresh();

  // Loads on the calling thread and replaces the set on success; on failure keeps the
  // previous set and logs a warning. Returns the load's outcome.
  Status Reload();

 private:
  JwksSource(JwksLoader loader, const JwksSourceOptions& options);
  void RefreshLoop();

  const JwksLoader loader_;
  const JwksSourceOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::shared_ptr<const Jwks> current_;                    // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_load_start_;  // GUARDED_BY(mu_)
  bool refresh_requested_ = false;                         // GUARDED_BY(mu_)
  bool stopping_ = false;                                  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace bastion::auth
