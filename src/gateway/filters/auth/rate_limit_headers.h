#pragma once
// The x-ratelimit-* headers OpenAI clients read, from a limiter decision.

#include "auth/limits/limiter.h"
#include "http/message.h"

namespace bastion::gateway {

// "20ms", "1.5s", "6m0s": the reset format OpenAI uses.
std::string FormatResetDuration(int64_t ms);
void AddRateLimitHeaders(const auth::LimitDecision& d, http::HeaderList& headers);

}  // namespace bastion::gateway
