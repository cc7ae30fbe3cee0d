#pragma once
// Reads "usage":{"prompt_tokens":N,"completion_tokens":M} out of a response body or one
// streamed event, without a full parse: usage settles token budgets whichever backend
// answered. Quotes inside JSON strings are escaped, so the member names cannot be forged by
// generated text.

#include <cstdint>
#include <string_view>

namespace bastion::gateway {

struct ScannedUsage {
  int64_t prompt_tokens = -1;
  int64_t completion_tokens = -1;
};

// Counts are capped here, so that sums of what an upstream reports cannot overflow.
inline constexpr int64_t kMaxReportedTokens = int64_t{1} << 40;

// -1 for a count that is absent.
ScannedUsage ScanUsage(std::string_view json);

}  // namespace bastion::gateway
