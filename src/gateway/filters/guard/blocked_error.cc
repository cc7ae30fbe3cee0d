#include "gateway/filters/guard/blocked_error.h"

#include <string>

namespace bastion::gateway {

ApiError GuardBlockedError(const guard::Finding& f) {
  return ApiError{400,
                  "invalid_request_error",
                  "content_filter",
                  "The request was blocked by the guard: " +
                      std::string(guard::CategoryName(f.category)) + " (" + std::string(f.rule) +
                      "). Remove it and try again, or ask an administrator about the guard policy.",
                  "",
                  0};
}

}  // namespace bastion::gateway
