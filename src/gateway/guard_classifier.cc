#include "gateway/guard_classifier.h"

#include <simdjson.h>

#include "gateway/capture_writer.h"
#include "gateway/filters/guard/blocked_error.h"
#include "gateway/filters/guard/guard_exchange.h"
#include "gateway/response_channel.h"
#include "guard/classifier_prompt.h"

namespace bastion::gateway {
namespace {

std::optional<std::string> AnswerText(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view content;
  if (parser.parse(body).get(root) != simdjson::SUCCESS ||
      root["choices"].at(0)["message"]["content"].get(content) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return std::string(content);
}

}  // namespace

void GuardClassifier::Count(std::string_view outcome) {
  metrics_
      .GetCounter("bastion_guard_classifier_total",
                  "Requests the guard's second stage was asked about, by outcome",
                  {{"outcome", std::string(outcome)}})
      .Inc();
}

http::Awaitable<std::optional<ApiError>> GuardClassifier::Check(Exchange& ex) {
  if (!ex.guard || ex.guard->doubtful_text.empty()) co_return std::nullopt;
  GuardExchange& s = *ex.guard;
  http::Request request;
  request.method = "POST";
  request.target = "/v1/chat/completions";
  request.body = guard::ClassifierRequestBody(model_, s.doubtful_text);
  request.worker = ex.request.worker;
  Exchange inner(request);
  inner.request_id = ex.request_id + "-guard";
  inner.model = model_;
  InferenceRequest parsed;
  if (ParseInferenceRequest(InferenceKind::kChat, request.body, parsed)) co_return std::nullopt;
  inner.inference = parsed;
  static const FilterChain kNoFilters;
  CaptureWriter capture;
  ResponseChannel channel(inner, kNoFilters, capture);
  co_await backend_.Serve(inner, channel);
  std::optional<bool> unsafe;
  if (capture.status() == 200) {
    if (auto text = AnswerText(capture.body())) unsafe = guard::ParseClassifierAnswer(*text);
  }
  if (!unsafe) {
    Count("error");
    co_return std::nullopt;
  }
  Count(*unsafe ? "unsafe" : "safe");
  if (!*unsafe) co_return std::nullopt;
  guard::Finding f{
      s.doubt_category, guard::ClassifierRuleId(s.doubt_category), guard::Span{0, 1}, s.doubt, {}};
  f.action = guardrails_->policy().ActionFor(f, s.scope);
  s.input_findings.push_back(f);
  s.input_verdict = std::max(s.input_verdict, f.action);
  if (f.action != guard::Action::kBlock) co_return std::nullopt;
  co_return GuardBlockedError(f);
}

}  // namespace bastion::gateway
