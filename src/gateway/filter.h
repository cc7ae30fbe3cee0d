#pragma once
// The filter interface every stage of the request path implements (authentication, limits,
// guardrails, audit, logging, metrics), and the chain that runs them in order.
//
// Filters are created once from validated config and shared by all threads: their methods
// must be thread-safe, and per-request state belongs in the Exchange.

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "gateway/api_error.h"
#include "gateway/exchange.h"

namespace bastion::gateway {

// Continue, or answer the request now with an error.
struct FilterResult {
  std::optional<ApiError> respond;

  static FilterResult Continue() { return {}; }
  static FilterResult Respond(ApiError error) { return {std::move(error)}; }
};

class Filter {
 public:
  virtual ~Filter() = default;
  virtual std::string_view name() const = 0;

  // The route is known, the body not yet parsed (authenticate here).
  virtual FilterResult OnHeaders(Exchange&) { return FilterResult::Continue(); }
  // The body is parsed and the model resolved (authorise, limit, guard input here).
  virtual FilterResult OnRequest(Exchange&) { return FilterResult::Continue(); }
  // Response data before it is sent: a whole JSON body, or one SSE event's data. May rewrite.
  virtual void OnResponseData(Exchange&, std::string& /*data*/) {}
  // A stream is ending (before "[DONE]", or before an error event): filters that held data
  // back append it to `events`, which are sent as they are, first.
  virtual void OnStreamEnd(Exchange&, std::vector<std::string>& /*events*/) {}
  // Exactly once per exchange, however it ended (also when a filter answered early).
  virtual void OnComplete(Exchange&) {}
};

class FilterChain {
 public:
  void Add(std::unique_ptr<Filter> filter) { filters_.push_back(std::move(filter)); }
  size_t size() const { return filters_.size(); }

  FilterResult OnHeaders(Exchange& ex) const;
  FilterResult OnRequest(Exchange& ex) const;
  void OnResponseData(Exchange& ex, std::string& data) const;
  void OnStreamEnd(Exchange& ex, std::vector<std::string>& events) const;
  // Runs in reverse order, like unwinding.
  void OnComplete(Exchange& ex) const;

 private:
  std::vector<std::unique_ptr<Filter>> filters_;
};

}  // namespace bastion::gateway
