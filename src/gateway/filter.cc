#include "gateway/filter.h"

namespace bastion::gateway {

FilterResult FilterChain::OnHeaders(Exchange& ex) const {
  for (const auto& f : filters_) {
    if (auto r = f->OnHeaders(ex); r.respond) return r;
  }
  return FilterResult::Continue();
}

FilterResult FilterChain::OnRequest(Exchange& ex) const {
  for (const auto& f : filters_) {
    if (auto r = f->OnRequest(ex); r.respond) return r;
  }
  return FilterResult::Continue();
}

void FilterChain::OnResponseData(Exchange& ex, std::string& data) const {
  for (const auto& f : filters_) f->OnResponseData(ex, data);
}

void FilterChain::OnStreamEnd(Exchange& ex, std::vector<std::string>& events) const {
  for (const auto& f : filters_) f->OnStreamEnd(ex, events);
}

void FilterChain::OnComplete(Exchange& ex) const {
  for (auto it = filters_.rbegin(); it != filters_.rend(); ++it) (*it)->OnComplete(ex);
}

}  // namespace bastion::gateway
