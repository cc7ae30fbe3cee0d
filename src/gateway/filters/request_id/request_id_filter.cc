#include "gateway/filters/request_id/request_id_filter.h"

#include <random>

namespace bastion::gateway {

bool RequestIdFilter::IsAcceptableId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string RequestIdFilter::NewId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "req-";
  for (int part = 0; part < 2; ++part) {
    uint64_t bits = rng();
    for (int i = 0; i < 16; ++i, bits >>= 4) id += kHex[bits & 0xF];
  }
  return id;
}

FilterResult RequestIdFilter::OnHeaders(Exchange& ex) {
  std::string_view given = ex.request.Header("x-request-id");
  ex.request_id = IsAcceptableId(given) ? std::string(given) : NewId();
  ex.response_headers.emplace_back("X-Request-Id", ex.request_id);
  return FilterResult::Continue();
}

}  // namespace bastion::gateway
