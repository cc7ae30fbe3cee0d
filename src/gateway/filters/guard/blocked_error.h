#pragma once
// The answer to a request the guard blocks: 400 content_filter naming the category and rule,
// never the text that matched.

#include "gateway/api_error.h"
#include "guard/finding.h"

namespace bastion::gateway {

ApiError GuardBlockedError(const guard::Finding& finding);

}  // namespace bastion::gateway
