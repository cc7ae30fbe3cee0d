#include "gateway/filters/auth/auth_filter.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "gateway/filters/auth/rate_limit_headers.h"
#include "gateway/filters/auth/usage_scan.h"

namespace bastion::gateway {
namespace {

using auth::Permission;

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int SecondsUp(int64_t ms) { return static_cast<int>(std::max<int64_t>(1, (ms + 999) / 1000)); }

// Prompt tokens before the backend counts them: about four bytes of JSON per token.
int64_t EstimatePromptTokens(const Exchange& ex) {
  return static_cast<int64_t>(ex.body().size() / 4);
}

ApiError Forbidden(std::string code, std::string message) {
  return {403, "permission_error", std::move(code), std::move(message), "", 0};
}

}  // namespace

AuthFilter::AuthFilter(const auth::Authenticator* authenticator, auth::Limiter& limiter,
                       MetricsRegistry& metrics, AuthFilterOptions options)
    : authenticator_(authenticator),
      limiter_(limiter),
      metrics_(metrics),
      options_(std::move(options)),
      backoff_(options_.failure_threshold) {}

int64_t AuthFilter::Now() const { return options_.now_ms ? options_.now_ms() : SystemNowMs(); }

FilterResult AuthFilter::OnHeaders(Exchange& ex) {
  if (ex.permission == Permission::kAnonymous) return FilterResult::Continue();
  if (ex.permission == Permission::kMetrics && options_.metrics_anonymous) {
    return FilterResult::Continue();
  }
  if (options_.insecure_no_auth) {
    auth::Identity anyone;
    anyone.source = auth::Identity::Source::kInsecureNoAuth;
    anyone.subject = "insecure-no-auth";
    anyone.name = "insecure-no-auth";
    anyone.role = auth::Role::kAdmin;
    ex.identity = std::move(anyone);
    return FilterResult::Continue();
  }
  int64_t now = Now();
  const std::string& address = ex.request.remote_address;
  if (int64_t wait = backoff_.RetryAfterMs(address, now); wait > 0) {
    ex.auth_failure = "backoff";
    CountFailure("backoff");
    ApiError e{429,
               "rate_limit_error",
               "too_many_auth_failures",
               "too many failed authentications from this address; wait before trying again",
               "",
               SecondsUp(wait)};
    return FilterResult::Respond(std::move(e));
  }
  std::string_view credential =
      auth::PresentedCredential(ex.request.Header("authorization"), ex.request.Header("x-api-key"));
  auth::AuthOutcome outcome = authenticator_->Authenticate(credential, now);
  if (!outcome.identity) {
    // A request without any credential is not a guess; only wrong credentials count.
    if (!credential.empty()) backoff_.RecordFailure(address, now);
    return Refuse(ex, outcome.failure, outcome.message);
  }
  ex.identity = std::move(*outcome.identity);
  if (!auth::RoleGrants(ex.identity->role, ex.permission)) {
    return FilterResult::Respond(Forbidden(
        "permission_denied", "the " + std::string(auth::RoleName(ex.identity->role)) +
                                 " role may not use " + ex.request.method + " " + ex.route));
  }
  return FilterResult::Continue();
}

void AuthFilter::CountFailure(const std::string& reason) {
  metrics_
      .GetCounter("bastion_auth_failures_total",
                  "Requests refused for failed authentication, or while their address is held "
                  "back after repeated failures (reason=\"backoff\")",
                  {{"reason", reason}})
      .Inc();
}

FilterResult AuthFilter::Refuse(Exchange& ex, const std::string& failure,
                                const std::string& message) {
  ex.auth_failure = failure;
  CountFailure(failure);
  ex.response_headers.emplace_back("WWW-Authenticate", "Bearer realm=\"bastion\"");
  return FilterResult::Respond(
      {401, "authentication_error",
       failure == "missing_credentials" ? "missing_api_key" : "invalid_api_key", message, "", 0});
}

std::optional<ApiError> AuthFilter::CapMaxTokens(Exchange& ex) const {
  int64_t cap = ex.identity->limits.max_tokens;
  if (cap <= 0) return std::nullopt;
  std::optional<int64_t>& asked = ex.inference->max_tokens;
  if (asked && *asked > cap) {
    return ApiError::BadRequest("max_tokens_exceeds_limit",
                                "max_tokens " + std::to_string(*asked) +
                                    " is above this caller's limit of " + std::to_string(cap),
                                "max_tokens");
  }
  if (!asked) {
    ex.rewritten_body = SetMember(ex.body(), "max_tokens", std::to_string(cap));
    asked = cap;
  }
  return std::nullopt;
}

FilterResult AuthFilter::OnRequest(Exchange& ex) {
  if (!ex.identity || !ex.inference) return FilterResult::Continue();
  const auth::Identity& who = *ex.identity;
  if (!who.MayUseModel(ex.model)) {
    return FilterResult::Respond(
        Forbidden("model_not_allowed", "this caller may not use the model '" + ex.model + "'"));
  }
  if (auto error = CapMaxTokens(ex)) return FilterResult::Respond(std::move(*error));
  int64_t now = Now();
  int64_t estimate = EstimatePromptTokens(ex) + ex.inference->max_tokens.value_or(0);
  auth::LimitDecision d = limiter_.Admit(who.subject, who.limits, estimate, now);
  AddRateLimitHeaders(d, ex.response_headers);
  if (!d.allowed) {
    metrics_
        .GetCounter("bastion_rate_limited_total", "Requests refused by a rate limit or budget",
                    {{"limit", d.exceeded}})
        .Inc();
    if (d.exceeded == "unavailable") {
      return FilterResult::Respond({503, "server_error", "rate_limiter_unavailable",
                                    "the shared rate-limit store cannot be reached; retry shortly",
                                    "", SecondsUp(d.retry_after_ms)});
    }
    return FilterResult::Respond({429, "rate_limit_error", "rate_limit_exceeded",
                                  "rate limit reached (" + d.exceeded + "); retry after " +
                                      FormatResetDuration(d.retry_after_ms),
                                  "", SecondsUp(d.retry_after_ms)});
  }
  ex.admitted = true;
  ex.admitted_ms = now;
  ex.reserved_tokens = estimate;
  return FilterResult::Continue();
}

void AuthFilter::OnResponseData(Exchange& ex, std::string& data) {
  if (!ex.admitted) return;
  ScannedUsage u = ScanUsage(data);
  if (u.prompt_tokens >= 0) ex.prompt_tokens = u.prompt_tokens;
  if (u.completion_tokens >= 0) ex.completion_tokens = u.completion_tokens;
  if (ex.inference->stream && data.find("\"choices\":[{") != std::string::npos) {
    ++ex.content_events;
  }
}

void AuthFilter::OnComplete(Exchange& ex) {
  if (!ex.admitted) return;
  int64_t used = ex.prompt_tokens >= 0
                     ? ex.prompt_tokens + std::max<int64_t>(0, ex.completion_tokens)
                     : EstimatePromptTokens(ex) + ex.content_events;
  limiter_.Settle(ex.identity->subject, ex.identity->limits, ex.reserved_tokens, used,
                  ex.admitted_ms, Now());
}

}  // namespace bastion::gateway
