#pragma once
// Access control for every route: authentication (API key or JWT) and the route's
// permission on headers; the model allowlist, the max_tokens cap and rate limits once the
// body names the model; settlement of the token reservation when the exchange ends, also
// when the client left early.
//
// Thread-safe; per-request state lives in the Exchange.

#include <cstdint>
#include <functional>

#include "auth/authenticator.h"
#include "auth/failure_backoff.h"
#include "auth/limits/limiter.h"
#include "common/metrics.h"
#include "gateway/filter.h"

namespace bastion::gateway {

struct AuthFilterOptions {
  bool insecure_no_auth = false;   // every caller is an unrestricted admin (loopback only)
  bool metrics_anonymous = false;  // GET /metrics without credentials
  int failure_threshold = 10;
  std::function<int64_t()> now_ms;  // Unix milliseconds; the system clock when empty
};

class AuthFilter : public Filter {
 public:
  // `authenticator` may be null only with insecure_no_auth.
  AuthFilter(const auth::Authenticator* authenticator, auth::Limiter& limiter,
             MetricsRegistry& metrics, AuthFilterOptions options);
  std::string_view name() const override { return "auth"; }
  FilterResult OnHeaders(Exchange& ex) override;
  FilterResult OnRequest(Exchange& ex) override;
  void OnResponseData(Exchange& ex, std::string& data) override;
  void OnComplete(Exchange& ex) override;

 private:
  FilterResult Refuse(Exchange& ex, const std::string& failure, const std::string& message);
  void CountFailure(const std::string& reason);
  std::optional<ApiError> CapMaxTokens(Exchange& ex) const;
  int64_t Now() const;

  const auth::Authenticator* authenticator_;
  auth::Limiter& limiter_;
  MetricsRegistry& metrics_;
  AuthFilterOptions options_;
  auth::FailureBackoff backoff_;
};

}  // namespace bastion::gateway
