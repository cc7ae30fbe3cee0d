#pragma once
// Gives every exchange an id: the client's X-Request-Id when it is short and plain
// ([A-Za-z0-9._-], at most 64 bytes), otherwise a fresh random one. Echoed in the response
// and sent to upstreams, so one id follows a request through logs on both sides.

#include <string>
#include <string_view>

#include "gateway/filter.h"

namespace bastion::gateway {

class RequestIdFilter : public Filter {
 public:
  std::string_view name() const override { return "request_id"; }
  FilterResult OnHeaders(Exchange& ex) override;

  static bool IsAcceptableId(std::string_view id);
  static std::string NewId();
};

}  // namespace bastion::gateway
